package dev.ringcache.hibernate.model;

import java.util.Set;

/** What the race tests read and write, versioned ({@link Item}) or not ({@link Note}). */
public interface Named {
  Long getId();

  String getName();

  void setName(String name);

  String getCode();

  void setCode(String code);

  Set<String> getTags();
}
