package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.NaturalIdCache;

/** An unversioned entity of the race tests. */
@Entity
@Table(name = "notes")
@Cacheable
@NaturalIdCache
public class Note extends Named {
  protected Note() {}

  public Note(Long id, String name, String code) {
    super(id, name, code);
  }
}
