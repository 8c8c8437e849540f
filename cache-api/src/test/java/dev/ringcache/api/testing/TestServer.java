package dev.ringcache.api.testing;

/**
 * One real Redis or Memcached server started for a test, with the failures a test needs to cause:
 * a crash ({@link #kill()}), a comeback ({@link #restart()}) and a hang ({@link #pause()}). It is
 * a local process on a free loopback port, or a container where a Docker engine answers
 * ({@link TestServers#usingContainers()}). Servers keep nothing on disk: a restarted server is
 * empty.
 *
 * <p>The test that starts a server owns it and closes it; servers still running when the JVM
 * exits are killed by a shutdown hook. Thread-safe.
 */
public interface TestServer extends AutoCloseable {

  /** The host to connect to: {@code 127.0.0.1} for a local process. */
  String host();

  /** The port to connect to. */
  int port();

  /** {@code redis://host:port} or {@code memcached://host:port}. */
  String uri();

  /**
   * Kills the server as a crash would (SIGKILL; for a container, {@code docker kill}) and returns
   * once it is gone: its port then refuses connections. Does nothing if it is already down.
   */
  void kill();

  /**
   * Starts the server again, empty, with the same arguments, and returns once it answers; kills
   * it first if it is running. A local process gets the same port. A container gets the same
   * host port unless something else took it meanwhile: then {@link #port()} and {@link #uri()}
   * change.
   *
   * @throws IllegalStateException if the server is closed or does not come back
   */
  void restart();

  /**
   * Freezes the server (SIGSTOP; for a container, {@code docker pause}) and returns once it is
   * frozen: connections are still accepted but nothing is answered, as with a hung node.
   *
   * @throws IllegalStateException if the server is not running
   */
  void pause();

  /** Lets a paused server go on (SIGCONT; {@code docker unpause}). Does nothing if not paused. */
  void resume();

  /** Kills the server and releases what it held; idempotent. */
  @Override
  void close();
}
