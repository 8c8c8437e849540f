package dev.ringcache.api.testing;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * Several test servers of one spec, started together ({@link TestServerSpec#start(int)}): an
 * unmodifiable list that closes them all. The test that starts it owns and closes it.
 * Thread-safe.
 */
public final class TestServerGroup extends AbstractList<TestServer> implements AutoCloseable {
  private final List<TestServer> servers;

  TestServerGroup(List<TestServer> servers) {
    this.servers = List.copyOf(servers);
  }

  @Override
  public TestServer get(int index) {
    return servers.get(index);
  }

  @Override
  public int size() {
    return servers.size();
  }

  /** The servers' current URIs, in order. */
  public List<String> uris() {
    List<String> uris = new ArrayList<>(servers.size());
    for (TestServer server : servers) {
      uris.add(server.uri());
    }
    return List.copyOf(uris);
  }

  /** Closes every server, even when closing one fails; idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (TestServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
