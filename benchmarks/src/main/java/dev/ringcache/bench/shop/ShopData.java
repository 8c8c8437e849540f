package dev.ringcache.bench.shop;

import dev.ringcache.bench.shop.model.Category;
import dev.ringcache.bench.shop.model.Customer;
import dev.ringcache.bench.shop.model.Product;
import dev.ringcache.bench.shop.model.PurchaseOrder;
import dev.ringcache.bench.shop.model.Stock;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hibernate.CacheMode;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The shop's initial data, the same for every phase of a run (it depends only on the seed): 40
 * categories, 2,000 products with their stock, 5,000 customers and 1,000 orders. Also how the
 * workload picks among them: products and categories by popularity (Zipf), customers a little
 * less skewed.
 *
 * <p>Immutable and thread-safe.
 */
final class ShopData {
  static final int CATEGORIES = 40;
  static final int PRODUCTS = 2_000;
  static final int CUSTOMERS = 5_000;
  static final int INITIAL_ORDERS = 1_000;
  static final int INITIAL_STOCK = 1_000;
  /** Products on a category page: the cached query's limit. */
  static final int PAGE = 20;
  /** The revision label of every row as seeded. */
  static final String INITIAL_REVISION = "initial";

  static final Zipf POPULAR_PRODUCTS = new Zipf(PRODUCTS, 1.0);
  static final Zipf POPULAR_CATEGORIES = new Zipf(CATEGORIES, 0.8);
  static final Zipf RETURNING_CUSTOMERS = new Zipf(CUSTOMERS, 0.6);

  private static final String[] ADJECTIVES = {"Red", "Blue", "Green", "Small", "Large", "Classic",
      "Modern", "Wooden", "Steel", "Organic", "Compact", "Deluxe", "Vintage", "Smart", "Quiet",
      "Bright"};
  private static final String[] THINGS = {"Kettle", "Lamp", "Chair", "Backpack", "Notebook",
      "Teapot", "Blender", "Jacket", "Speaker", "Clock", "Mug", "Pillow", "Drill", "Bicycle",
      "Camera", "Puzzle"};
  private static final String[] CATEGORY_NAMES = {"Books", "Music", "Garden", "Kitchen", "Toys",
      "Tools", "Sports", "Outdoor", "Office", "Pets", "Baby", "Beauty", "Health", "Shoes",
      "Jewelry", "Watches", "Lighting", "Furniture", "Bedding", "Bath", "Cameras", "Phones",
      "Computers", "Games", "Software", "Crafts", "Party", "Travel", "Luggage", "Automotive",
      "Cycling", "Camping", "Fishing", "Fitness", "Grocery", "Coffee", "Tea", "Wine", "Art",
      "Stationery"};
  static final String[] STREETS = {"Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Lake", "Hill",
      "Park", "Mill", "Bridge", "Market"};

  private ShopData() {}

  /** The product id of popularity rank {@code rank}: ids 1..{@link #PRODUCTS}. */
  static long productId(int rank) {
    return rank + 1L;
  }

  static String email(long customerId) {
    return "customer" + customerId + "@example.com";
  }

  /**
   * Creates the data through {@code factory} (whose tables were just created), gives the check
   * the initial value of every register, and fills {@code recent} with the initial orders.
   */
  static void create(SessionFactory factory, long seed, ConsistencyCheck check,
      RecentOrders recent) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Category> categories = new ArrayList<>();
    inBatches(factory, CATEGORIES, (session, i) -> {
      Category c = new Category(i + 1L, CATEGORY_NAMES[i % CATEGORY_NAMES.length]);
      session.persist(c);
      categories.add(c);
    });
    List<BigDecimal> prices = new ArrayList<>();
    inBatches(factory, PRODUCTS, (session, i) -> {
      long id = i + 1L;
      String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " "
          + THINGS[random.nextInt(THINGS.length)] + " " + id;
      BigDecimal price = BigDecimal.valueOf(199 + random.nextInt(30_000), 2);
      Category category = session.getReference(Category.class,
          categories.get(random.nextInt(CATEGORIES)).getId());
      session.persist(new Product(id, name, category, price, INITIAL_REVISION));
      session.persist(new Stock(id, INITIAL_STOCK, INITIAL_REVISION));
      prices.add(price);
      check.initial(Registers.product(id), INITIAL_REVISION + "|" + price.toPlainString());
      check.initial(Registers.stock(id), INITIAL_REVISION + "|" + INITIAL_STOCK);
    });
    inBatches(factory, CUSTOMERS, (session, i) -> {
      long id = i + 1L;
      String address = (1 + random.nextInt(200)) + " " + STREETS[random.nextInt(STREETS.length)]
          + " Street";
      session.persist(new Customer(id, email(id), "Customer " + id, address, INITIAL_REVISION));
      check.initial(Registers.customer(id), INITIAL_REVISION + "|" + address);
    });
    Instant placedAt = Instant.parse("2025-01-01T00:00:00Z");
    inBatches(factory, INITIAL_ORDERS, (session, i) -> {
      Customer customer = session.getReference(Customer.class,
          1L + RETURNING_CUSTOMERS.next(random));
      PurchaseOrder order = new PurchaseOrder(customer, placedAt.plusSeconds(60L * i));
      int lines = 1 + random.nextInt(4);
      int units = 0;
      for (int line = 0; line < lines; line++) {
        long productId = productId(random.nextInt(PRODUCTS));
        int quantity = 1 + random.nextInt(3);
        order.add(session.getReference(Product.class, productId), quantity,
            prices.get((int) productId - 1));
        units += quantity;
      }
      session.persist(order);
      check.initial(Registers.order(order.getId()), Registers.order(lines, units,
          order.getTotal()));
      recent.add(order.getId());
    });
    // The catalog pages as the database orders them (its collation decides), never changed by
    // the workload: products keep their names and categories.
    try (Session session = factory.openSession()) {
      session.setCacheMode(CacheMode.IGNORE);
      for (long c = 1; c <= CATEGORIES; c++) {
        check.initial(Registers.catalog(c), Registers.page(ShopWorker.catalogPage(session, c)
            .setCacheable(false).getResultList()));
      }
    }
  }

  private interface Seeder {
    void create(Session session, int i);
  }

  /** Runs {@code seeder} for 0..count-1, in transactions of 500. */
  private static void inBatches(SessionFactory factory, int count, Seeder seeder) {
    for (int from = 0; from < count; from += 500) {
      int to = Math.min(count, from + 500);
      int first = from;
      factory.inTransaction(session -> {
        session.setCacheMode(CacheMode.IGNORE);
        for (int i = first; i < to; i++) {
          seeder.create(session, i);
        }
      });
    }
  }
}
