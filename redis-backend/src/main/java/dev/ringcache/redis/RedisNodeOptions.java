package dev.ringcache.redis;

import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one Redis node, parsed from its URI. {@link #toString()} never shows the password.
 *
 * <p>Immutable and thread-safe.
 */
final class RedisNodeOptions {
  final String host;
  final int port;
  final boolean tls;
  /** For TLS: the socket factory that trusts the node's certificate authorities. */
  final @Nullable SSLSocketFactory tlsSocketFactory;
  final @Nullable String user;
  final @Nullable String password;
  final int database;
  final int timeoutMillis;
  final int connectTimeoutMillis;
  final int poolSize;

  RedisNodeOptions(String host, int port, boolean tls, @Nullable SSLSocketFactory tlsSocketFactory,
      @Nullable String user,
      @Nullable String password, int database, int timeoutMillis, int connectTimeoutMillis,
      int poolSize) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.tlsSocketFactory = tlsSocketFactory;
    this.user = user;
    this.password = password;
    this.database = database;
    this.timeoutMillis = timeoutMillis;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.poolSize = poolSize;
  }

  @Override
  public String toString() {
    return (tls ? "rediss://" : "redis://") + (user != null || password != null ? "***@" : "")
        + host + ":" + port + "/" + database;
  }
}
