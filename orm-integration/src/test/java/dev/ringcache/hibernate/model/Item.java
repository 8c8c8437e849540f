package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.NaturalIdCache;

/** A versioned entity of the race tests. */
@Entity
@Table(name = "items")
@Cacheable
@NaturalIdCache
public class Item extends Named {
  /** Versioned: the protocol orders its values by version. */
  @Version private long version;

  protected Item() {}

  public Item(Long id, String name, String code) {
    super(id, name, code);
  }
}
