package dev.ringcache.bench.shop;

import dev.ringcache.bench.shop.ConsistencyCheck.Outcome;
import dev.ringcache.bench.shop.ConsistencyCheck.Write;
import dev.ringcache.bench.shop.model.Customer;
import dev.ringcache.bench.shop.model.Product;
import dev.ringcache.bench.shop.model.PurchaseOrder;
import dev.ringcache.bench.shop.model.Stock;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.hibernate.KeyType;
import org.hibernate.Session;
import org.hibernate.StaleStateException;
import org.hibernate.Transaction;
import org.hibernate.exception.LockAcquisitionException;
import org.hibernate.exception.LockTimeoutException;
import org.hibernate.query.SelectionQuery;

/**
 * One worker thread of the shop: on one application server, it runs {@link Operation}s drawn from
 * the mix, each in a session and transaction of its own, until the phase ends; it times those
 * that start in the measured window, and reports every value it reads and writes to the phase's
 * {@link ConsistencyCheck}.
 *
 * <p>Not thread-safe: one thread each; its results are read after it has stopped.
 */
final class ShopWorker implements Runnable {
  /** The most error messages a worker keeps for the report. */
  private static final int ERROR_EXAMPLES = 3;

  private final int thread;
  private final AppServer server;
  private final PhaseRun phase;
  private final SplittableRandom random;
  private final Map<Operation, OperationStats> stats = new EnumMap<>(Operation.class);
  private final long[] timeline;
  private final List<String> errors = new ArrayList<>();
  /** Where the operations of the warm-up are counted, and forgotten. */
  private final OperationStats warmUp = new OperationStats();
  private long revisions;
  /** The id of the order the current write transaction placed; 0 if none. */
  private long placedOrder;

  ShopWorker(int thread, AppServer server, PhaseRun phase, long seed) {
    this.thread = thread;
    this.server = server;
    this.phase = phase;
    // The same choices in both phases: the seed and the thread decide them.
    this.random = new SplittableRandom(seed * 1_000_003L + thread);
    for (Operation op : Operation.values()) {
      stats.put(op, new OperationStats());
    }
    this.timeline = new long[phase.timelineSeconds()];
  }

  @Override
  public void run() {
    while (true) {
      long started = System.nanoTime();
      if (started - phase.endNanos >= 0) {
        return;
      }
      Operation op = Operation.next(random);
      OperationStats counted = started - phase.warmEndNanos >= 0 ? stats.get(op) : warmUp;
      try {
        run(op, counted);
      } catch (RuntimeException e) {
        counted.errors++;
        error(op, e);
      }
      counted.latency.record(System.nanoTime() - started);
      int second = (int) ((started - phase.startNanos) / 1_000_000_000L);
      if (second < timeline.length) {
        timeline[second]++;
      }
      phase.completed.increment();
    }
  }

  Map<Operation, OperationStats> stats() {
    return stats;
  }

  long[] timeline() {
    return timeline;
  }

  List<String> errors() {
    return errors;
  }

  private void run(Operation op, OperationStats s) {
    switch (op) {
      case VIEW_PRODUCT -> read(this::viewProduct);
      case BROWSE_CATEGORY -> read(this::browseCategory);
      case SIGN_IN -> read(this::signIn);
      case VIEW_ORDER -> read(this::viewOrder);
      case PLACE_ORDER -> write(this::placeOrder, s);
      case CHANGE_ADDRESS -> write(this::changeAddress, s);
      case REPRICE -> write(this::reprice, s);
      case RESTOCK -> write(this::restock, s);
    }
  }

  // Reads

  private void viewProduct(Session session) {
    long id = ShopData.productId(ShopData.POPULAR_PRODUCTS.next(random));
    ConsistencyCheck check = phase.check;
    long invoke = check.now();
    Product product = session.find(Product.class, id);
    check.read(Registers.product(id), product == null ? null : Registers.valueOf(product), invoke);
    if (product != null) {
      product.getCategory().getName(); // the page shows it: a read-only cached entity
    }
    invoke = check.now();
    Stock stock = session.find(Stock.class, id);
    check.read(Registers.stock(id), stock == null ? null : Registers.valueOf(stock), invoke);
  }

  private void browseCategory(Session session) {
    long category = 1L + ShopData.POPULAR_CATEGORIES.next(random);
    ConsistencyCheck check = phase.check;
    long invoke = check.now();
    List<Product> page = catalogPage(session, category).getResultList();
    check.read(Registers.catalog(category), Registers.page(page), invoke);
    for (Product p : page) {
      check.read(Registers.product(p.getId()), Registers.valueOf(p), invoke);
    }
  }

  /** The first page of a category, by name: the cached query. */
  static SelectionQuery<Product> catalogPage(Session session, long categoryId) {
    return session.createSelectionQuery(
            "from Product p where p.category.id = :category order by p.name, p.id", Product.class)
        .setParameter("category", categoryId)
        .setMaxResults(ShopData.PAGE)
        .setCacheable(true)
        .setCacheRegion(AppServer.CATALOG_REGION);
  }

  private void signIn(Session session) {
    long id = 1L + ShopData.RETURNING_CUSTOMERS.next(random);
    long invoke = phase.check.now();
    Customer customer = session.find(Customer.class, ShopData.email(id), KeyType.NATURAL);
    phase.check.read(Registers.customer(id), Registers.valueOf(customer), invoke);
  }

  private void viewOrder(Session session) {
    long id = phase.recentOrders.pick(random);
    long invoke = phase.check.now();
    PurchaseOrder order = session.find(PurchaseOrder.class, id);
    phase.check.read(Registers.order(id), Registers.valueOf(order), invoke);
  }

  /** Runs {@code work} in a transaction that commits. */
  private void read(ReadWork work) {
    try (Session session = server.factory.openSession()) {
      Transaction tx = session.beginTransaction();
      try {
        work.run(session);
        tx.commit();
      } catch (RuntimeException e) {
        rollbackQuietly(tx);
        throw e;
      }
    }
  }

  private interface ReadWork {
    void run(Session session);
  }

  // Writes

  private void placeOrder(Session session, List<Write> writes) {
    long customerId = 1L + ShopData.RETURNING_CUSTOMERS.next(random);
    int lines = 1 + random.nextInt(4);
    TreeSet<Long> productIds = new TreeSet<>(); // in id order, as the updates will be
    for (int i = 0; i < lines * 4 && productIds.size() < lines; i++) {
      productIds.add(ShopData.productId(ShopData.POPULAR_PRODUCTS.next(random)));
    }
    ConsistencyCheck check = phase.check;
    String revision = nextRevision();
    PurchaseOrder order = new PurchaseOrder(session.getReference(Customer.class, customerId),
        Instant.now());
    int units = 0;
    for (long productId : productIds) {
      int quantity = 1 + random.nextInt(3);
      long invoke = check.now();
      Product product = session.find(Product.class, productId);
      check.read(Registers.product(productId), Registers.valueOf(product), invoke);
      invoke = check.now();
      Stock stock = session.find(Stock.class, productId);
      check.read(Registers.stock(productId), Registers.valueOf(stock), invoke);
      order.add(product, quantity, product.getPrice());
      units += quantity;
      stock.add(-quantity, revision);
      writes.add(check.begin(Registers.stock(productId), Registers.valueOf(stock)));
    }
    session.persist(order);
    placedOrder = order.getId();
    writes.add(check.begin(Registers.order(order.getId()),
        Registers.order(productIds.size(), units, order.getTotal())));
  }

  private void changeAddress(Session session, List<Write> writes) {
    long id = 1L + ShopData.RETURNING_CUSTOMERS.next(random);
    String address = (1 + random.nextInt(200)) + " "
        + ShopData.STREETS[random.nextInt(ShopData.STREETS.length)] + " Street";
    ConsistencyCheck check = phase.check;
    long invoke = check.now();
    Customer customer = session.find(Customer.class, id);
    check.read(Registers.customer(id), Registers.valueOf(customer), invoke);
    customer.moveTo(address, nextRevision());
    writes.add(check.begin(Registers.customer(id), Registers.valueOf(customer)));
  }

  private void reprice(Session session, List<Write> writes) {
    long id = ShopData.productId(ShopData.POPULAR_PRODUCTS.next(random));
    int percent = 90 + random.nextInt(21); // -10% .. +10%
    ConsistencyCheck check = phase.check;
    long invoke = check.now();
    Product product = session.find(Product.class, id);
    check.read(Registers.product(id), Registers.valueOf(product), invoke);
    BigDecimal price = product.getPrice().multiply(BigDecimal.valueOf(percent))
        .divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_EVEN).max(BigDecimal.ONE);
    product.reprice(price, nextRevision());
    writes.add(check.begin(Registers.product(id), Registers.valueOf(product)));
  }

  private void restock(Session session, List<Write> writes) {
    long id = ShopData.productId(ShopData.POPULAR_PRODUCTS.next(random));
    ConsistencyCheck check = phase.check;
    long invoke = check.now();
    Stock stock = session.find(Stock.class, id);
    check.read(Registers.stock(id), Registers.valueOf(stock), invoke);
    stock.add(500, nextRevision());
    writes.add(check.begin(Registers.stock(id), Registers.valueOf(stock)));
  }

  /**
   * Runs {@code work} in a transaction, flushes, then rolls back ({@link
   * Operation#ROLLBACK_PERCENT} of the time, on purpose) or commits, and tells the check how its
   * writes ended. A lost race for a row is counted as a conflict; anything else is thrown.
   */
  private void write(WriteWork work, OperationStats s) {
    boolean rollback = random.nextInt(100) < Operation.ROLLBACK_PERCENT;
    List<Write> writes = new ArrayList<>();
    placedOrder = 0;
    try (Session session = server.factory.openSession()) {
      Transaction tx = session.beginTransaction();
      try {
        work.run(session, writes);
        session.flush();
      } catch (RuntimeException e) {
        rollbackQuietly(tx);
        ended(writes, Outcome.FAILED);
        if (isConflict(e)) {
          s.conflicts++;
          return;
        }
        throw e;
      }
      if (rollback) {
        tx.rollback();
        ended(writes, Outcome.ROLLED_BACK);
        s.rolledBack++;
        return;
      }
      try {
        tx.commit();
      } catch (RuntimeException e) {
        ended(writes, Outcome.INDETERMINATE);
        throw e;
      }
      ended(writes, Outcome.COMMITTED);
    }
  }

  /** Reports how the writes ended; an order placed, whatever became of it, may now be viewed. */
  private void ended(List<Write> writes, Outcome outcome) {
    phase.check.end(writes, outcome);
    if (placedOrder != 0) {
      phase.recentOrders.add(placedOrder);
    }
  }

  private interface WriteWork {
    void run(Session session, List<Write> writes);
  }

  private String nextRevision() {
    return "s" + server.index + "t" + thread + "." + ++revisions;
  }

  /** Whether {@code e} is a lost race for a row: an optimistic lock failure, a lock timeout. */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OptimisticLockException || t instanceof StaleStateException
          || t instanceof PessimisticLockException || t instanceof LockAcquisitionException
          || t instanceof LockTimeoutException
          || t instanceof jakarta.persistence.LockTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Transaction tx) {
    try {
      if (tx.isActive()) {
        tx.rollback();
      }
    } catch (RuntimeException ignored) {
      // The transaction failed already; its cause is what is reported.
    }
  }

  private void error(Operation op, Throwable e) {
    if (errors.size() < ERROR_EXAMPLES) {
      errors.add(op.label + ": " + e);
    }
  }
}
