package dev.ringcache.bench.shop;

import dev.ringcache.bench.shop.model.Customer;
import dev.ringcache.bench.shop.model.Product;
import dev.ringcache.bench.shop.model.PurchaseOrder;
import dev.ringcache.bench.shop.model.Stock;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The names and values of what the {@link ConsistencyCheck} watches: a product's price, a stock
 * level, a customer's address (each with the revision label of the write that set it), an order
 * (its lines, units and total), a catalog page (its product ids). A value read must equal, as a
 * string, the value some write gave the register.
 *
 * <p>Immutable and thread-safe (static functions).
 */
final class Registers {
  private Registers() {}

  static String product(long id) {
    return "product:" + id;
  }

  static String stock(long id) {
    return "stock:" + id;
  }

  static String customer(long id) {
    return "customer:" + id;
  }

  static String order(long id) {
    return "order:" + id;
  }

  static String catalog(long categoryId) {
    return "catalog:" + categoryId;
  }

  static String valueOf(Product p) {
    return p.getRevision() + "|" + p.getPrice().toPlainString();
  }

  static String valueOf(Stock s) {
    return s.getRevision() + "|" + s.getQuantity();
  }

  static @Nullable String valueOf(@Nullable Customer c) {
    return c == null ? null : c.getRevision() + "|" + c.getAddress();
  }

  /** An order as read: its lines are loaded (from the collection cache or the database). */
  static @Nullable String valueOf(@Nullable PurchaseOrder o) {
    if (o == null) {
      return null;
    }
    int units = o.getLines().stream().mapToInt(line -> line.getQuantity()).sum();
    return order(o.getLines().size(), units, o.getTotal());
  }

  /** An order as written. */
  static String order(int lines, int units, BigDecimal total) {
    return "lines=" + lines + ",units=" + units + ",total=" + total.toPlainString();
  }

  static String page(List<Product> products) {
    return products.stream().map(p -> p.getId().toString()).collect(Collectors.joining(","));
  }
}
