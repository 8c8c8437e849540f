package dev.ringcache.bench.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.jspecify.annotations.Nullable;

/**
 * The versioned entity of the benchmarks (table {@code bench_book}): found by id, updated, found
 * by a cached query on its ISBN, and the element of {@link Shelf}'s cached collection. Cached
 * READ_WRITE under every provider. Not thread-safe (a Hibernate entity).
 */
@Entity
@Table(name = "bench_book")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Book {
  @Id private Long id;

  @Version private long version;

  private String title;

  @Column(unique = true, nullable = false)
  private String isbn;

  @Column(precision = 10, scale = 2)
  private BigDecimal price;

  private LocalDate published;

  @ManyToOne(fetch = FetchType.LAZY)
  private @Nullable Shelf shelf;

  protected Book() {
    this.id = 0L;
    this.title = "";
    this.isbn = "";
    this.price = BigDecimal.ZERO;
    this.published = LocalDate.EPOCH;
  }

  public Long getId() {
    return id;
  }

  public long getVersion() {
    return version;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public String getIsbn() {
    return isbn;
  }

  public BigDecimal getPrice() {
    return price;
  }

  public LocalDate getPublished() {
    return published;
  }
}
