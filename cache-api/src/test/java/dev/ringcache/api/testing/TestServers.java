package dev.ringcache.api.testing;

import java.util.List;
import java.util.Map;

/**
 * Where tests get real servers:
 *
 * <pre>{@code
 * try (TestServer redis = TestServers.redis().start();
 *     TestServerGroup ring = TestServers.memcached().start(3)) {
 *   connect(redis.uri());  // redis://127.0.0.1:41234
 *   ring.get(1).kill();
 * }
 * }</pre>
 *
 * <p>Servers run in containers where a Docker engine answers, otherwise as local
 * {@code redis-server} / {@code memcached} processes on free loopback ports (never 6379 or
 * 11211, which may belong to servers that are not the tests'). {@code -Dringcache.test.containers=
 * false} skips looking for Docker. Local servers log to
 * {@code target/test-servers/<kind>-<port>/server.log}. Thread-safe.
 */
public final class TestServers {
  private TestServers() {}

  /** A Redis server ({@code redis-server}, or the image {@code redis:7-alpine}). */
  public static TestServerSpec redis() {
    return new TestServerSpec(ServerKind.REDIS, List.of(), Map.of());
  }

  /** A Memcached server ({@code memcached}, or the image {@code memcached:1.6-alpine}). */
  public static TestServerSpec memcached() {
    return new TestServerSpec(ServerKind.MEMCACHED, List.of(), Map.of());
  }

  /**
   * True if servers run in containers: decided once per JVM, waiting at most 10 s for Docker to
   * answer.
   *
   * @throws IllegalStateException if {@code -Dringcache.test.containers} has a value other than
   *     true, false or auto, or is true while no Docker engine answers
   */
  public static boolean usingContainers() {
    return ContainerDetection.useContainers();
  }
}
