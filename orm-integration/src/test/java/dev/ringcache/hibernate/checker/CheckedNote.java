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
import java.util.HashSet;
import java.util.Set;

/**
 * An unversioned entity of the history checker: the last committed writer of a row wins. Its tags
 * are mapped and cached but not written by the workload: without a version, two writers that
 * loaded the same tags could both commit and leave a set no single write produced. Not
 * thread-safe.
 */
@Entity
@Table(name = "checked_notes")
@Cacheable
public class CheckedNote implements Checked {
  @Id private Long id;

  @Column(name = "val", nullable = false)
  private String value;

  @ElementCollection(fetch = FetchType.LAZY)
  @CollectionTable(name = "checked_notes_tags", joinColumns = @JoinColumn(name = "note_id"))
  @Column(name = "tag")
  private Set<String> tags = new HashSet<>();

  protected CheckedNote() {
    this.value = "";
  }

  public CheckedNote(Long id, String value) {
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
