package dev.ringcache.bench.shop.model;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An order ({@code Order} is an SQL keyword) with its lines, a cached collection. Never changed
 * once placed. Not thread-safe.
 */
@Entity
@Table(name = "shop_order")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "shop.order")
public class PurchaseOrder {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "shop_order_seq")
  @SequenceGenerator(name = "shop_order_seq", sequenceName = "shop_order_seq", allocationSize = 50)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "customer_id")
  private Customer customer;

  @Column(nullable = false)
  private Instant placedAt;

  @Column(nullable = false, precision = 12, scale = 2)
  private BigDecimal total;

  @OneToMany(mappedBy = "order", cascade = CascadeType.PERSIST)
  @OrderBy("id")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "shop.order.lines")
  private List<OrderLine> lines = new ArrayList<>();

  /** For Hibernate, which sets every field. */
  protected PurchaseOrder() {}

  public PurchaseOrder(Customer customer, Instant placedAt) {
    this.customer = customer;
    this.placedAt = placedAt;
    this.total = BigDecimal.ZERO;
  }

  /** The id; assigned when the order is persisted. */
  public Long getId() {
    return id;
  }

  public Customer getCustomer() {
    return customer;
  }

  public Instant getPlacedAt() {
    return placedAt;
  }

  public BigDecimal getTotal() {
    return total;
  }

  public List<OrderLine> getLines() {
    return lines;
  }

  /** Adds a line of {@code quantity} units of {@code product} at {@code unitPrice} each. */
  public OrderLine add(Product product, int quantity, BigDecimal unitPrice) {
    OrderLine line = new OrderLine(this, product, quantity, unitPrice);
    lines.add(line);
    total = total.add(unitPrice.multiply(BigDecimal.valueOf(quantity)));
    return line;
  }
}
