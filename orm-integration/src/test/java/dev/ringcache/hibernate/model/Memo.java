package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/** An unversioned entity whose updates write only the columns that changed. */
@Entity
@Table(name = "memos")
@Cacheable
@DynamicUpdate
public class Memo {
  @Id private Long id;

  private String title;

  private String body;

  protected Memo() {}

  public Memo(Long id, String title, String body) {
    this.id = id;
    this.title = title;
    this.body = body;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }
}
