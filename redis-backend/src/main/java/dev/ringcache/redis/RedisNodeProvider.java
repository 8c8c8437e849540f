package dev.ringcache.redis;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeProvider;
import dev.ringcache.api.spi.NodeEvents;
import java.time.Duration;
import java.util.Set;

/**
 * Opens Redis nodes: {@code redis://[user:password@]host[:port][/db]} and {@code rediss://…} (TLS),
 * with the options {@value #TIMEOUT} (socket read timeout, default 500ms: tight, as a cache that
 * answers slower is worse than none), {@value #CONNECT_TIMEOUT} (default 500ms), {@value #POOL_SIZE} (connections, default 16) and, for {@code rediss}, {@value
 * #TLS_CA} (a PEM file of the certificate authorities to trust instead of the JVM's default trust
 * store), besides {@code weight}. Over TLS the server's certificate must match the host name of the
 * URI. Opening does not connect: a server that is down is reported when the node is used.
 *
 * <p>Thread-safe (stateless).
 */
public final class RedisNodeProvider implements CacheNodeProvider {
  public static final String TIMEOUT = "timeout";
  public static final String CONNECT_TIMEOUT = "connectTimeout";
  public static final String POOL_SIZE = "poolSize";
  public static final String TLS_CA = "tlsCa";
  public static final int DEFAULT_PORT = 6379;
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  static final int DEFAULT_POOL_SIZE = 16;

  public RedisNodeProvider() {
    // for ServiceLoader
  }

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public CacheNode open(NodeUri uri, NodeEvents events) {
    uri.requireKnownOptions(Set.of(TIMEOUT, CONNECT_TIMEOUT, POOL_SIZE, TLS_CA));
    boolean tls = uri.scheme().equals("rediss");
    String tlsCa = uri.options().get(TLS_CA);
    if (tlsCa != null && !tls) {
      throw new ConfigurationException("node URI '" + uri + "': option " + TLS_CA
          + " is for rediss:// (TLS) nodes only");
    }
    int database = 0;
    String path = uri.path();
    if (path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        database = -1;
      }
      if (database < 0) {
        throw new ConfigurationException("node URI '" + uri + "': the path must be a database "
            + "number, e.g. /0, was '" + path + "'");
      }
    }
    RedisNodeOptions options = new RedisNodeOptions(uri.host(), uri.port(DEFAULT_PORT), tls,
        tls ? TlsTrust.socketFactory(uri, tlsCa) : null, uri.user(), uri.password(), database,
        millis(uri, TIMEOUT), millis(uri, CONNECT_TIMEOUT),
        uri.intOption(POOL_SIZE, DEFAULT_POOL_SIZE, 1, 1024));
    // The ring id must be the same in every JVM: canonical host and port, and the database if any.
    return new RedisNode(uri.id(DEFAULT_PORT) + (database == 0 ? "" : "/" + database), options);
  }

  private static int millis(NodeUri uri, String option) {
    long ms = uri.durationOption(option, DEFAULT_TIMEOUT).toMillis();
    if (ms > 3_600_000) {
      throw new ConfigurationException("node URI '" + uri + "': option " + option
          + " must be at most 1h");
    }
    return (int) ms;
  }
}
