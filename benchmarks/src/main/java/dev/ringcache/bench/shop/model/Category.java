package dev.ringcache.bench.shop.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A product category. Never changed by the workload, so cached read-only. Not thread-safe. */
@Entity
@Table(name = "shop_category")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_ONLY, region = "shop.category")
public class Category {
  @Id private Long id;

  private String name;

  /** For Hibernate, which sets every field. */
  protected Category() {}

  public Category(Long id, String name) {
    this.id = id;
    this.name = name;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }
}
