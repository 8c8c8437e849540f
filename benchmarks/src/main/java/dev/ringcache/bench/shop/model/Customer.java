package dev.ringcache.bench.shop.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/**
 * A customer, found at sign-in by e-mail address, its natural id (cached in a region of its own).
 * Not versioned: of two address changes at once, the last to commit wins. Not thread-safe.
 */
@Entity
@Table(name = "shop_customer")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "shop.customer")
@NaturalIdCache(region = "shop.customer.email")
public class Customer {
  @Id private Long id;

  @NaturalId
  @Column(nullable = false)
  private String email;

  @Column(nullable = false)
  private String name;

  @Column(nullable = false)
  private String address;

  /** The label of the last change. */
  @Column(nullable = false)
  private String revision;

  /** For Hibernate, which sets every field. */
  protected Customer() {}

  public Customer(Long id, String email, String name, String address, String revision) {
    this.id = id;
    this.email = email;
    this.name = name;
    this.address = address;
    this.revision = revision;
  }

  public Long getId() {
    return id;
  }

  public String getEmail() {
    return email;
  }

  public String getName() {
    return name;
  }

  public String getAddress() {
    return address;
  }

  public String getRevision() {
    return revision;
  }

  /** A new delivery address, under the label of the change. */
  public void moveTo(String address, String revision) {
    this.address = address;
    this.revision = revision;
  }
}
