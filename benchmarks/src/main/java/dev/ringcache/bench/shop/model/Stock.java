package dev.ringcache.bench.shop.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * How many units of a product are in stock (the id is the product's). Versioned: of two orders
 * that take the same product at once, the second to flush fails with an optimistic lock failure,
 * rather than one decrement being lost. The quantity may go below zero: a back order. Not
 * thread-safe.
 */
@Entity
@Table(name = "shop_stock")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "shop.stock")
public class Stock {
  @Id private Long id;

  @Version private long version;

  private int quantity;

  /** The label of the last change. */
  @Column(nullable = false)
  private String revision;

  /** For Hibernate, which sets every field. */
  protected Stock() {}

  public Stock(Long productId, int quantity, String revision) {
    this.id = productId;
    this.quantity = quantity;
    this.revision = revision;
  }

  public Long getId() {
    return id;
  }

  public int getQuantity() {
    return quantity;
  }

  public String getRevision() {
    return revision;
  }

  /** Adds {@code delta} units (takes them when negative), under the label of the change. */
  public void add(int delta, String revision) {
    this.quantity += delta;
    this.revision = revision;
  }
}
