package dev.ringcache.bench.shop;

import java.util.Objects;

/**
 * What every phase of one run shares: the options and the database.
 *
 * <p>Immutable and thread-safe.
 */
record ShopSetup(ShopOptions options, ShopDatabase database) {
  /** The application servers of every phase: two, as two JVMs sharing the cache would be. */
  static final int SERVERS = 2;

  ShopSetup {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(database, "database");
  }

  /** The worker threads of server {@code server}: the threads dealt out in turn. */
  int threadsOf(int server) {
    int threads = options.threads();
    return threads / SERVERS + (server < threads % SERVERS ? 1 : 0);
  }
}
