package dev.ringcache.hibernate.checker;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.HashSet;
import java.util.Set;

/**
 * A versioned entity of the history checker: concurrent writers of one row are ordered by its
 * version (the loser fails with an optimistic lock failure), so its tags, replaced by every write,
 * are a register like its value. Not thread-safe.
 */
@Entity
@Table(name = "checked_rows")
@Cacheable
public class CheckedRow implements Checked {
  @Id private Long id;

  @Version private long version;

  @Column(name = "val", nullable = false)
  private String value;

  @ElementCollection(fetch = FetchType.LAZY)
  @CollectionTable(name = "checked_rows_tags", joinColumns = @JoinColumn(name = "row_id"))
  @Column(name = "tag")
  private Set<String> tags = new HashSet<>();

  protected CheckedRow() {
    this.value = "";
  }

  public CheckedRow(Long id, String value) {
    this.id = id;
    this.value = value;
  }

  @Override
  public Long getId() {
    return id;
  }

  @Override
  public String getValue() {
    return value;
  }

  @Override
  public void setValue(String value) {
    this.value = value;
  }

  @Override
  public Set<String> getTags() {
    return tags;
  }
}
