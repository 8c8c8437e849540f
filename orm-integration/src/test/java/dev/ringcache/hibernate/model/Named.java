package dev.ringcache.hibernate.model;

import jakarta.persistence.ElementCollection;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.annotations.NaturalId;

/**
 * What the race tests read and write, versioned ({@link Item}) or not ({@link Note}): a name, a
 * collection of tags (table {@code <Entity>_tags}), a mutable natural id.
 */
@MappedSuperclass
public abstract class Named {
  @Id private Long id;

  private String name;

  @NaturalId(mutable = true)
  private String code;

  @ElementCollection(fetch = FetchType.LAZY)
  private Set<String> tags = new HashSet<>();

  protected Named() {}

  protected Named(Long id, String name, String code) {
    this.id = id;
    this.name = name;
    this.code = code;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getCode() {
    return code;
  }

  public void setCode(String code) {
    this.code = code;
  }

  public Set<String> getTags() {
    return tags;
  }
}
