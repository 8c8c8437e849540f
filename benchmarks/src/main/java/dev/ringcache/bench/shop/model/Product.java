package dev.ringcache.bench.shop.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * A product of the catalog: versioned, so concurrent price changes are ordered by its version.
 * Its stock is a {@link Stock} of its own, so that orders do not change the product table, which
 * the cached catalog query reads. Not thread-safe.
 */
@Entity
@Table(name = "shop_product", indexes = @Index(name = "shop_product_category",
    columnList = "category_id, name"))
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "shop.product")
public class Product {
  @Id private Long id;

  @Version private long version;

  @Column(nullable = false)
  private String name;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "category_id")
  private Category category;

  @Column(nullable = false, precision = 10, scale = 2)
  private BigDecimal price;

  /** The label of the last change. */
  @Column(nullable = false)
  private String revision;

  /** For Hibernate, which sets every field. */
  protected Product() {}

  public Product(Long id, String name, Category category, BigDecimal price, String revision) {
    this.id = id;
    this.name = name;
    this.category = category;
    this.price = price;
    this.revision = revision;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public Category getCategory() {
    return category;
  }

  public BigDecimal getPrice() {
    return price;
  }

  public String getRevision() {
    return revision;
  }

  /** A new price, under the label of the change. */
  public void reprice(BigDecimal price, String revision) {
    this.price = price;
    this.revision = revision;
  }
}
