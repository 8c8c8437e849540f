package dev.ringcache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.EntryTimes;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.RecordLostException;
import dev.ringcache.api.Unlock;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.testing.TestServer;
import dev.ringcache.api.testing.TestServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server out of memory ({@code -M}: it refuses writes instead of evicting): memcached drops the
 * item under the key of a {@code cas} it cannot store, whatever that item was, so the node reports
 * the record as lost (the router quarantines the node); an {@code add} it cannot store lost
 * nothing and is an ordinary failure.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerOutOfMemoryIT {
  private static final EntryTimes TIMES = EntryTimes.of(Duration.ofMinutes(1),
      Duration.ofMinutes(10));
  /** Values this large share one slab class, which the filling uses up. */
  private static final int LARGE = 4_000;
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    // 2 MB, no eviction, and no moving of pages between slab classes.
    server = TestServers.memcached().args("-M", "-m", "2", "-o", "no_slab_reassign").start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] large() {
    byte[] value = new byte[LARGE];
    Arrays.fill(value, (byte) 'x');
    return value;
  }

  /** Stores large items until the server refuses one for want of memory. */
  private static void fillMemory() {
    String data = "y".repeat(LARGE);
    try (ServerAdmin admin = ServerAdmin.of(server)) {
      for (int i = 0; ; i++) {
        String reply = admin.send("set fill-" + i + " 0 0 " + LARGE, data);
        if (reply.startsWith("SERVER_ERROR out of memory")) {
          return;
        }
        assertThat(reply).isEqualTo("STORED");
      }
    }
  }

  @Test
  void aCasTheServerCannotStore_losesTheRecordUnderTheKey_andSaysSo_anAddDoesNot() {
    CacheNode node = new MemcachedNodeProvider().open(NodeUri.parse(server.uri()));
    try {
      byte[] locked = bytes("locked");
      byte[] leased = bytes("leased");
      assertThat(node.lock(locked, "w", TIMES)).isFalse();
      String token = node.getOrLease(leased, true, "n", TIMES).leaseToken();
      fillMemory();

      assertThatThrownBy(() -> node.unlock(locked, Unlock.committedValue("w", large(), 1), TIMES))
          .isInstanceOf(RecordLostException.class).hasMessageContaining("ERR_NO_MEM");
      assertThat(node.inspect(locked)).as("memcached dropped the lock").isNull();
      assertThatThrownBy(() -> node.putFromLoad(leased, large(), 1, token, false, TIMES))
          .isInstanceOf(RecordLostException.class);
      assertThat(node.inspect(leased)).as("memcached dropped the lease").isNull();

      assertThatThrownBy(() -> node.afterInsert(bytes("absent"), large(), 1, TIMES))
          .as("nothing was there to lose").isInstanceOf(NodeUnavailableException.class)
          .isNotInstanceOf(RecordLostException.class).hasMessageContaining("ERR_NO_MEM");
    } finally {
      node.close();
    }
  }
}
