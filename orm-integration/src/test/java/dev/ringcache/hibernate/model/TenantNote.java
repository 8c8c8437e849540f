package dev.ringcache.hibernate.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.TenantId;

/** A note that belongs to one tenant (a discriminator column). */
@Entity
@Table(name = "tenant_notes")
@Cacheable
public class TenantNote {
  @Id private Long id;

  @TenantId private String tenant;

  private String text;

  protected TenantNote() {}

  public TenantNote(Long id, String text) {
    this.id = id;
    this.text = text;
  }

  public String getText() {
    return text;
  }
}
