package dev.ringcache.hibernate.checker;

import java.util.Set;

/**
 * What the history checker reads and writes: a row with a value and a set of tags, versioned
 * ({@link CheckedRow}) or not ({@link CheckedNote}). Implementations are entities: not
 * thread-safe.
 */
public interface Checked {
  Long getId();

  String getValue();

  void setValue(String value);

  /** The cached collection; the workload writes it only where the version orders writers. */
  Set<String> getTags();
}
