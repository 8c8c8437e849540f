package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/** An unversioned entity of the race tests: a name, a collection of tags, a natural id. */
@Entity
@Table(name = "notes")
@Cacheable
@NaturalIdCache
public class Note implements Named {
  @Id private Long id;

  private String name;

  @NaturalId(mutable = true)
  private String code;

  @ElementCollection(fetch = FetchType.LAZY)
  @CollectionTable(name = "notes_tags")
  private Set<String> tags = new HashSet<>();

  protected Note() {}

  public Note(Long id, String name, String code) {
    this.id = id;
    this.name = name;
    this.code = code;
  }

  @Override
  public Long getId() {
    return id;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public void setName(String name) {
    this.name = name;
  }

  @Override
  public String getCode() {
    return code;
  }

  @Override
  public void setCode(String code) {
    this.code = code;
  }

  @Override
  public Set<String> getTags() {
    return tags;
  }
}
