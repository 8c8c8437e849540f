package dev.ringcache.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A cache node named by a URI: {@code local://name}, {@code redis://[user:password@]host:port[/db]},
 * {@code rediss://…} (TLS), {@code memcached://[user:password@]host:port}, with options in the query
 * string ({@code ?weight=2&timeout=50ms}). User and password are percent-decoded.
 *
 * <p>The password never appears in {@link #toString()}, in {@link #id()}, or in any message this
 * class produces: they show {@code ***} in its place.
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeUri {
  /** The option every scheme accepts: the node's weight on the ring, a whole number from 1. */
  public static final String WEIGHT = "weight";

  private final String scheme;
  private final String host;
  private final int port;
  private final @Nullable String user;
  private final @Nullable String password;
  private final String path;
  private final Map<String, String> options;
  private final String redacted;

  private NodeUri(String scheme, String host, int port, @Nullable String user,
      @Nullable String password, String path, Map<String, String> options, String redacted) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.path = path;
    this.options = options;
    this.redacted = redacted;
  }

  private static ConfigurationException noScheme(String shown) {
    return new ConfigurationException("node URI '" + shown + "' has no scheme://; expected e.g. "
        + "local://cache, redis://host:6379 or memcached://host:11211");
  }

  /** Parses a node URI, or fails with a {@link ConfigurationException} that says what is wrong. */
  public static NodeUri parse(String text) {
    Objects.requireNonNull(text, "text");
    String shown = redact(text.trim());
    if (!text.contains("://")) {
      throw noScheme(shown); // before java.net.URI, whose reason would mislead ("scheme name")
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigurationException("node URI '" + shown + "' is not a URI: "
          + redact(e.getReason()) + " (percent-encode special characters in the password)");
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.isOpaque()) {
      throw noScheme(shown);
    }
    String authority = uri.getRawAuthority();
    String host = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
    if (authority == null || host == null || host.isEmpty()) {
      throw new ConfigurationException("node URI '" + shown + "' names no host or node");
    }
    if (uri.getHost() == null && authority.contains(":")) {
      throw new ConfigurationException("node URI '" + shown + "' has a bad host or port: a host is"
          + " a name of letters, digits, '-' and '.' (no '_'), an IPv4 address or [IPv6]; a port is"
          + " a number");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new ConfigurationException("node URI '" + shown + "': port " + uri.getPort()
          + " is not between 1 and 65535");
    }
    String user = null;
    String password = null;
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      password = colon < 0 ? null : userInfo.substring(colon + 1);
      if (user.isEmpty()) {
        user = null;
      }
    }
    Map<String, String> options = new LinkedHashMap<>();
    String query = uri.getQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw new ConfigurationException("node URI '" + shown + "': option '" + pair
              + "' is not name=value");
        }
        String name = pair.substring(0, eq);
        if (options.put(name, pair.substring(eq + 1)) != null) {
          throw new ConfigurationException("node URI '" + shown + "': option '" + name
              + "' is given twice");
        }
      }
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    NodeUri parsed = new NodeUri(scheme.toLowerCase(Locale.ROOT), host, uri.getPort(), user,
        password, path, Collections.unmodifiableMap(options), shown);
    parsed.intOption(WEIGHT, 1, 1, 1_000_000); // checked here: every scheme has it
    return parsed;
  }

  /**
   * {@code text} with everything between {@code //} and the last {@code @} replaced by {@code ***}:
   * a password may hold any character, {@code /}, {@code ?}, {@code #} and {@code @} included, so
   * only the last {@code @} surely ends it.
   */
  static String redact(String text) {
    int start = text.indexOf("//");
    int at = text.lastIndexOf('@');
    if (start < 0 || at < start) {
      return text;
    }
    return text.substring(0, start + 2) + "***" + text.substring(at);
  }

  public String scheme() {
    return scheme;
  }

  /** The host, or the name of a {@code local://} node. */
  public String host() {
    return host;
  }

  /** The port, or {@code defaultPort} when the URI gives none. */
  public int port(int defaultPort) {
    return port < 0 ? defaultPort : port;
  }

  public @Nullable String user() {
    return user;
  }

  /** The password; never log or show it. */
  public @Nullable String password() {
    return password;
  }

  /** The path: for Redis, {@code /db}; empty when there is none. */
  public String path() {
    return path;
  }

  public Map<String, String> options() {
    return options;
  }

  /** The node's weight on the ring ({@value #WEIGHT} option, default 1). */
  public int weight() {
    return intOption(WEIGHT, 1, 1, 1_000_000);
  }

  /** Fails if an option is not one of {@code known} (or {@value #WEIGHT}), naming it and them. */
  public void requireKnownOptions(Set<String> known) {
    for (String name : options.keySet()) {
      if (!name.equals(WEIGHT) && !known.contains(name)) {
        Set<String> accepted = new TreeSet<>(known);
        accepted.add(WEIGHT);
        throw new ConfigurationException("node URI '" + redacted + "': unknown option '" + name
            + "'; " + scheme + " nodes accept " + accepted);
      }
    }
  }

  /** A whole-number option within {@code [min, max]}, or {@code defaultValue} when absent. */
  public int intOption(String name, int defaultValue, int min, int max) {
    String text = options.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException("node URI '" + redacted + "': option " + name + "='" + text
        + "' must be a whole number from " + min + " to " + max);
  }

  /** A duration option ({@link DurationFormat}), or {@code defaultValue} when absent. */
  public Duration durationOption(String name, Duration defaultValue) {
    String text = options.get(name);
    if (text == null) {
      return defaultValue;
    }
    Duration value = DurationFormat.parse("node URI '" + redacted + "': option " + name, text);
    if (value.isZero()) {
      throw new ConfigurationException("node URI '" + redacted + "': option " + name
          + " must be longer than 0, was '" + text + "'");
    }
    return value;
  }

  /** A text option, or {@code defaultValue} when absent. */
  public String option(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }

  /** A node of this scheme needs a port: fails with a clear message if the URI has none. */
  public int requirePort() {
    if (port < 0) {
      throw new ConfigurationException("node URI '" + redacted + "' needs a port, e.g. "
          + scheme + "://" + host + (scheme.startsWith("redis") ? ":6379" : ":11211"));
    }
    return port;
  }

  /**
   * The node's id on the ring, the same in every JVM that names the node alike: the host in lower
   * case and the port, {@code defaultPort} when the URI gives none ({@code 10.0.1.1:11211}, as
   * spymemcached names a node given by IP address). It has no user or password, so it is safe to
   * log. Spell each host the same way in every JVM: a name and its IP address are different ids.
   */
  public String id(int defaultPort) {
    return host.toLowerCase(Locale.ROOT) + ":" + port(defaultPort);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof NodeUri that && redacted.equals(that.redacted)
        && Objects.equals(password, that.password);
  }

  @Override
  public int hashCode() {
    return redacted.hashCode();
  }

  /** The URI as given, with any user information shown as {@code ***}. */
  @Override
  public String toString() {
    return redacted;
  }
}
