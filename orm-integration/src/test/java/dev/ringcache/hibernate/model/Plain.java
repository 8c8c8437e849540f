package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A versioned entity with nothing else cached with it: for counting round trips. */
@Entity
@Table(name = "plains")
@Cacheable
public class Plain {
  @Id private Long id;

  @Version private long version;

  private String name;

  protected Plain() {}

  public Plain(Long id, String name) {
    this.id = id;
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
