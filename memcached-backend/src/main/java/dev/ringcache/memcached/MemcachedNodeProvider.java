package dev.ringcache.memcached;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens memcached nodes: {@code memcached://[user:password@]host[:port]}, port {@value
 * #DEFAULT_PORT} by default, over the binary protocol; with a user and password, the node
 * authenticates with SASL PLAIN (the server runs with {@code -S}). Options, besides {@code
 * weight}:
 *
 * <ul>
 *   <li>{@value #TIMEOUT}: how long a request waits for the server; default 500ms.
 *   <li>{@value #MAX_ITEM_SIZE}: the server's item size limit (its {@code -I}), as bytes or with
 *       {@code k} or {@code m} (1024 and 1024²): {@code 512k}, {@code 1m}, {@code 2m}; default
 *       {@code 1m}. A record that would not fit is not sent: the value is skipped and counted
 *       (see {@link NodeEvents#itemTooLarge}). Set it to the server's limit, not more: memcached
 *       drops what a key held when it refuses a larger value for it.
 * </ul>
 *
 * A node's id is its host in lower case and port, e.g. {@code 10.0.1.1:11211}. Opening neither
 * connects nor resolves the host: a server that is down, or a name that does not resolve, is
 * reported when the node is used, and credentials the server refuses by a {@link
 * dev.ringcache.api.ConfigurationException} from {@code ping()} and every use after.
 *
 * <p>Thread-safe (stateless).
 */
public final class MemcachedNodeProvider implements CacheNodeProvider {
  /**
   * Option: how long one request waits for the server's answer (and a first connection or
   * authentication for theirs), a duration such as {@code 500ms} or {@code 2s}, at most 1h;
   * default {@link #DEFAULT_TIMEOUT}. spymemcached has no separate connect timeout.
   */
  public static final String TIMEOUT = "timeout";
  /** The default of {@value #TIMEOUT}: 500 ms. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  /**
   * Option: the server's item size limit (its {@code -I}) in bytes, or with {@code k} or {@code
   * m} (times 1024 or 1024²), from 1k to 1024m; default {@link #DEFAULT_MAX_ITEM_SIZE}.
   */
  public static final String MAX_ITEM_SIZE = "maxItemSize";
  /** The default of {@value #MAX_ITEM_SIZE}: memcached's own default, 1m (1048576 bytes). */
  public static final int DEFAULT_MAX_ITEM_SIZE = 1 << 20;
  /** The port of a URI that gives none. */
  public static final int DEFAULT_PORT = 11211;
  /** Memcached accepts {@code -I} from 1k to 1024m. */
  static final long MIN_ITEM_SIZE = 1 << 10;
  static final long MAX_ITEM_SIZE_LIMIT = 1 << 30;

  private static final Pattern BYTE_SIZE = Pattern.compile("(\\d{1,10})([km]?)");

  public MemcachedNodeProvider() {
    // for ServiceLoader
  }

  @Override
  public Set<String> schemes() {
    return Set.of("memcached");
  }

  @Override
  public CacheNode open(NodeUri uri, NodeEvents events) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(events, "events");
    uri.requireKnownOptions(Set.of(TIMEOUT, MAX_ITEM_SIZE));
    if (!uri.scheme().equals("memcached")) {
      throw new ConfigurationException("node URI '" + uri + "': a memcached node's scheme is "
          + "memcached://");
    }
    if (!uri.path().isEmpty() && !uri.path().equals("/")) {
      throw new ConfigurationException("node URI '" + uri + "': a memcached node has no path "
          + "(no database), was '" + uri.path() + "'");
    }
    if ((uri.user() == null) != (uri.password() == null)) {
      throw new ConfigurationException("node URI '" + uri + "': SASL needs both a user and a "
          + "password (memcached://user:password@host:port), or neither");
    }
    MemcachedNodeOptions options = new MemcachedNodeOptions(uri.host(), uri.port(DEFAULT_PORT),
        uri.user(), uri.password(), timeoutMillis(uri), maxItemSize(uri));
    return new MemcachedNode(uri.id(DEFAULT_PORT), options, events);
  }

  private static int timeoutMillis(NodeUri uri) {
    long ms = uri.durationOption(TIMEOUT, DEFAULT_TIMEOUT).toMillis();
    if (ms > 3_600_000) {
      throw new ConfigurationException("node URI '" + uri + "': option " + TIMEOUT
          + " must be at most 1h, was '" + uri.options().get(TIMEOUT) + "'");
    }
    return (int) ms;
  }

  private static int maxItemSize(NodeUri uri) {
    String text = uri.options().get(MAX_ITEM_SIZE);
    if (text == null) {
      return DEFAULT_MAX_ITEM_SIZE;
    }
    Matcher m = BYTE_SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long size = Long.parseLong(m.group(1))
          * (m.group(2).equals("k") ? 1 << 10 : m.group(2).equals("m") ? 1 << 20 : 1);
      if (size >= MIN_ITEM_SIZE && size <= MAX_ITEM_SIZE_LIMIT) {
        return (int) size;
      }
    }
    throw new ConfigurationException("node URI '" + uri + "': option " + MAX_ITEM_SIZE + "='"
        + text + "' must be the server's item size limit (its -I), from 1k to 1024m: bytes, or a "
        + "number with k or m, e.g. 512k, 1m, 2m or 1048576");
  }
}
