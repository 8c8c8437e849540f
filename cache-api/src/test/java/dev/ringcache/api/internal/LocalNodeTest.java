package dev.ringcache.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUnavailableException;
import dev.ringcache.api.PutOutcome;
import dev.ringcache.api.spi.EntryRecord;
import dev.ringcache.api.NodeUri;
import dev.ringcache.api.spi.CacheNode;
import dev.ringcache.api.spi.CacheNodeContract;
import org.junit.jupiter.api.Test;

/** The in-process node against the node contract, and what is particular to it. */
class LocalNodeTest extends CacheNodeContract {
  private static int stores;

  @Override
  protected CacheNode openNode() {
    return new LocalNodeProvider().open(NodeUri.parse("local://contract-" + (++stores)));
  }

  @Test
  void nodesOfOneName_shareOneStore_untilTheLastCloses() {
    LocalNodeProvider provider = new LocalNodeProvider();
    CacheNode a = provider.open(NodeUri.parse("local://shared"));
    CacheNode b = provider.open(NodeUri.parse("local://shared"));
    a.put(key("k"), bytes("v"), 60_000);
    assertThat(b.get(key("k"))).isEqualTo(bytes("v"));
    a.close();
    assertThat(b.get(key("k"))).as("b still holds the store").isEqualTo(bytes("v"));
    b.close();
    CacheNode c = provider.open(NodeUri.parse("local://shared"));
    assertThat(c.get(key("k"))).as("a new store after the last closed").isNull();
    c.close();
  }

  @Test
  void sizeEviction_neverDropsALock_soNoStaleValueGetsIn() throws InterruptedException {
    CacheNode small = new LocalNodeProvider().open(NodeUri.parse("local://small?maxEntries=100"));
    try {
      for (int i = 0; i < 100; i++) {
        small.put(key("hot-" + i), bytes("v"), 60_000);
        small.get(key("hot-" + i));
      }
      byte[] locked = key("locked");
      small.lock(locked, "writer", LONG);
      for (int i = 0; i < 300; i++) { // far past the bound: values must be evicted, not the lock
        small.put(key("cold-" + i), bytes("v"), 60_000);
      }
      assertThat(small.inspect(locked)).isNotNull();
      assertThat(small.inspect(locked).state()).isEqualTo(EntryRecord.State.LOCKED);
      assertThat(small.putFromLoad(locked, bytes("stale"), 1, null, false, LONG))
          .isEqualTo(PutOutcome.REJECTED_LOCKED);
    } finally {
      small.close();
    }
  }

  @Test
  void closedNode_refusesWork_andClosingTwiceReleasesOnce() {
    LocalNodeProvider provider = new LocalNodeProvider();
    CacheNode a = provider.open(NodeUri.parse("local://closing"));
    CacheNode b = provider.open(NodeUri.parse("local://closing"));
    a.put(key("k"), bytes("v"), 60_000);
    a.close();
    a.close();
    assertThatThrownBy(() -> a.get(key("k"))).isInstanceOf(NodeUnavailableException.class)
        .hasMessageContaining("closed");
    assertThat(b.get(key("k"))).as("b still holds the store").isEqualTo(bytes("v"));
    b.close();
  }

  @Test
  void badLocalUris_failWithAMessage() {
    LocalNodeProvider provider = new LocalNodeProvider();
    assertThatThrownBy(() -> provider.open(NodeUri.parse("local://x?size=3")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown option 'size'")
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> provider.open(NodeUri.parse("local://x:6379")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("one word");
    assertThatThrownBy(() -> provider.open(NodeUri.parse("local://x?maxEntries=0")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxEntries='0'");
  }
}
