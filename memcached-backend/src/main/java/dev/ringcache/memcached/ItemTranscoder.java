package dev.ringcache.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Moves item bytes as they are: no serialization, no compression. Items ringcache writes carry
 * {@link #FLAGS} in memcached's client flags; an item with other flags was written by someone else
 * and reads as no bytes at all (which {@link RecordFormat#decode} rejects).
 *
 * <p>Immutable and thread-safe.
 */
final class ItemTranscoder implements Transcoder<byte[]> {
  /** The client flags of ringcache's items ("rc" and format 1); part of the stored format. */
  static final int FLAGS = 0x7263_0001;
  static final ItemTranscoder INSTANCE = new ItemTranscoder();
  private static final byte[] FOREIGN = new byte[0];

  private ItemTranscoder() {}

  @Override
  public boolean asyncDecode(CachedData d) {
    return false;
  }

  @Override
  public CachedData encode(byte[] item) {
    return new CachedData(FLAGS, item, getMaxSize());
  }

  @Override
  public byte[] decode(CachedData d) {
    return d.getFlags() == FLAGS ? d.getData() : FOREIGN;
  }

  /** No limit here: the node checks sizes against its server's limit before it writes. */
  @Override
  public int getMaxSize() {
    return Integer.MAX_VALUE;
  }
}
