package dev.ringcache.bench.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * The entity with a cached collection (table {@code bench_shelf}): a shelf and its books, the
 * collection cached READ_WRITE like the entities. A cached collection holds the books' ids; the
 * books themselves come from {@link Book}'s region. Not thread-safe (a Hibernate entity).
 */
@Entity
@Table(name = "bench_shelf")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Shelf {
  @Id private Long id;

  private String name;

  @OneToMany(mappedBy = "shelf")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  private Set<Book> books = new HashSet<>();

  protected Shelf() {
    this.id = 0L;
    this.name = "";
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public Set<Book> getBooks() {
    return books;
  }
}
