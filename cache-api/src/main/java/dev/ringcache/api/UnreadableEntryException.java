package dev.ringcache.api;

import dev.ringcache.api.ValueCodec.MissReason;

/**
 * Why bytes read from a node are not an entry this codec can return: thrown inside {@link
 * ValueCodec#decode} and turned into a miss there, never seen outside it. Without a stack trace,
 * and one shared instance per reason, so that reading garbage costs no allocation.
 *
 * <p>Immutable and thread-safe.
 */
final class UnreadableEntryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final UnreadableEntryException[] BY_REASON = create();

  private final MissReason reason;

  private UnreadableEntryException(MissReason reason) {
    super(reason.name(), null, false, false);
    this.reason = reason;
  }

  static UnreadableEntryException of(MissReason reason) {
    return BY_REASON[reason.ordinal()];
  }

  MissReason reason() {
    return reason;
  }

  private static UnreadableEntryException[] create() {
    MissReason[] reasons = MissReason.values();
    UnreadableEntryException[] exceptions = new UnreadableEntryException[reasons.length];
    for (MissReason reason : reasons) {
      exceptions[reason.ordinal()] = new UnreadableEntryException(reason);
    }
    return exceptions;
  }
}
