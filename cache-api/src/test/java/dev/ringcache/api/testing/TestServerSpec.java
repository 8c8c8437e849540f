package dev.ringcache.api.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What test server to start: its kind, extra server arguments and environment. Get one from
 * {@link TestServers#redis()} or {@link TestServers#memcached()}; each {@code args}/{@code env}
 * returns a new spec, so one spec can start many servers. Immutable and thread-safe.
 */
public final class TestServerSpec {
  private final ServerKind kind;
  private final List<String> args;
  private final Map<String, String> env;

  TestServerSpec(ServerKind kind, List<String> args, Map<String, String> env) {
    this.kind = kind;
    this.args = List.copyOf(args);
    this.env = Map.copyOf(env);
  }

  /**
   * Adds server arguments after the fixture's own, so they can override them:
   * {@code args("--requirepass", "s3cret")}, {@code args("-m", "16")}. A container gets the same
   * arguments, so an argument that names a file must name one inside the container.
   */
  public TestServerSpec args(String... moreArgs) {
    List<String> all = new ArrayList<>(args);
    all.addAll(Arrays.asList(moreArgs)); // Arrays.asList keeps the null check to List.copyOf
    return new TestServerSpec(kind, all, env);
  }

  /** Sets an environment variable of the server process or container. */
  public TestServerSpec env(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put(name, value);
    return new TestServerSpec(kind, args, all);
  }

  /**
   * Starts a server and returns once it answers. The caller owns it and closes it.
   *
   * @throws IllegalStateException if the server does not start: the message holds its log's tail
   *     and says where the whole log is
   */
  public TestServer start() {
    return ContainerDetection.useContainers()
        ? ContainerServer.start(kind, args, env)
        : LocalServer.start(kind, args, env);
  }

  /**
   * Starts {@code count} servers, each on its own port, for tests where the ring matters. The
   * caller owns the group and closes it; if one fails to start, those already started are
   * closed.
   */
  public TestServerGroup start(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    List<TestServer> servers = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        servers.add(start());
      }
    } catch (RuntimeException e) {
      for (TestServer server : servers) {
        try {
          server.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new TestServerGroup(servers);
  }

  @Override
  public String toString() {
    return kind.displayName() + (args.isEmpty() ? "" : " " + String.join(" ", args))
        + (env.isEmpty() ? "" : " with environment " + env.keySet());
  }
}
