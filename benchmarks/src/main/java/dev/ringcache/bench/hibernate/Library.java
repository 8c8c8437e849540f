package dev.ringcache.bench.hibernate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.stat.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * The application under test: one session factory of one {@link Provider} over PostgreSQL, its
 * tables ({@code bench_book}, {@code bench_shelf}) dropped, created and filled when it opens and
 * dropped when it closes, and the operations the benchmarks measure. Each operation opens a new
 * session and runs in its own transaction, as a request of an application would.
 *
 * <p>The rows: {@value #BOOKS} books, {@value #BOOKS_PER_SHELF} on each of {@value #SHELVES}
 * shelves, inserted with plain JDBC, as rows that were there before the application started (the
 * caches see no write). Then the caches the operations to run read are warmed by reading, a
 * hundred reads to a session: each book found, each shelf's books loaded, or each book's ISBN
 * query run until the query cache serves them all.
 *
 * <p>PostgreSQL: {@value #JDBC_URL} (default {@value #DEFAULT_JDBC_URL}), user {@value #JDBC_USER}
 * (default {@value #DEFAULT_JDBC_USER}), trust authentication; Hibernate's built-in connection
 * pool with one connection, whose backend a pinned run keeps on its CPUs ({@link SameCpus}).
 *
 * <p>The opener owns it and closes it. Not thread-safe: the benchmarks are single-threaded.
 */
final class Library implements AutoCloseable {
  static final int BOOKS = 1_000;
  static final int BOOKS_PER_SHELF = 4;
  static final int SHELVES = BOOKS / BOOKS_PER_SHELF;

  /** System property: the JDBC URL of the PostgreSQL database. */
  static final String JDBC_URL = "ringcache.bench.jdbc.url";
  static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  /** System property: the PostgreSQL user. */
  static final String JDBC_USER = "ringcache.bench.jdbc.user";
  static final String DEFAULT_JDBC_USER = "postgres";

  private static final String BY_ISBN = "from Book where isbn = :isbn";
  private static final String[] ISBNS = new String[BOOKS];
  private static final int MAX_QUERY_WARMING_PASSES = 5;

  static {
    for (int i = 0; i < BOOKS; i++) {
      ISBNS[i] = String.format("978-%010d", i + 1);
    }
  }

  private final Provider provider;
  private final SessionFactory factory;
  private final @Nullable Path redissonConfig;
  private long updates;

  private Library(Provider provider, SessionFactory factory, @Nullable Path redissonConfig) {
    this.provider = provider;
    this.factory = factory;
    this.redissonConfig = redissonConfig;
  }

  /**
   * Empties the servers, builds the session factory of {@code provider}, creates and fills the
   * tables and warms the caches that {@code operations} read.
   */
  static Library open(Provider provider, BenchServers servers, Set<Operation> operations) {
    servers.flush();
    Path redissonConfig = null;
    try {
      if (provider == Provider.REDISSON) {
        redissonConfig = Files.createTempFile("ringcache-bench-redisson-", ".yaml");
        Files.writeString(redissonConfig, Provider.redissonConfig(servers));
      }
      Library library = new Library(provider, sessionFactory(provider, servers, redissonConfig),
          redissonConfig);
      try {
        library.keepDatabaseOnSameCpus();
        library.fill();
        library.warm(operations);
        return library;
      } catch (RuntimeException e) {
        library.close();
        throw e;
      }
    } catch (IOException e) {
      deleteQuietly(redissonConfig);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      deleteQuietly(redissonConfig);
      throw e;
    }
  }

  private static SessionFactory sessionFactory(Provider provider, BenchServers servers,
      @Nullable Path redissonConfig) {
    Map<String, Object> settings = new HashMap<>(provider.settings(servers,
        redissonConfig != null ? redissonConfig : Path.of("unused")));
    settings.put("jakarta.persistence.jdbc.url", System.getProperty(JDBC_URL, DEFAULT_JDBC_URL));
    settings.put("jakarta.persistence.jdbc.user", System.getProperty(JDBC_USER, DEFAULT_JDBC_USER));
    // One connection, so that one PostgreSQL backend serves the whole run (see SameCpus).
    settings.put("hibernate.connection.pool_size", "1");
    settings.put("hibernate.hbm2ddl.auto", "create-drop");
    settings.put("hibernate.generate_statistics", "true");
    StandardServiceRegistry registry =
        new StandardServiceRegistryBuilder().applySettings(settings).build();
    try {
      return new MetadataSources(registry)
          .addAnnotatedClass(Book.class).addAnnotatedClass(Shelf.class)
          .buildMetadata().buildSessionFactory(); // closing it destroys the registry
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  Provider provider() {
    return provider;
  }

  Statistics statistics() {
    return factory.getStatistics();
  }

  /** The book of the {@code i}-th call: every book in turn. */
  static long bookId(long i) {
    return Math.floorMod(i, BOOKS) + 1;
  }

  /** The shelf of the {@code i}-th call: every shelf in turn. */
  static long shelfId(long i) {
    return Math.floorMod(i, SHELVES) + 1;
  }

  static String isbn(long bookId) {
    return ISBNS[(int) bookId - 1];
  }

  // The operations

  /** Finds a book by id; returns its title. */
  String find(long id) {
    return inTransaction(s -> s.find(Book.class, id).getTitle());
  }

  /** Evicts a book from the second-level cache (outside any session). */
  void evict(long id) {
    factory.getCache().evictEntityData(Book.class, id);
  }

  /** Finds a book by id and gives it a new title; returns the version it had. */
  long update(long id) {
    String title = "Book " + id + " r" + ++updates;
    return inTransaction(s -> {
      Book book = s.find(Book.class, id);
      book.setTitle(title);
      return book.getVersion();
    });
  }

  /** Finds a shelf and reads each of its books; returns the length of their titles. */
  int shelf(long id) {
    return inTransaction(s -> {
      int length = 0;
      for (Book book : s.find(Shelf.class, id).getBooks()) {
        length += book.getTitle().length();
      }
      return length;
    });
  }

  /** Finds a book by its ISBN with a cacheable query; returns its title. */
  String byIsbn(String isbn) {
    return inTransaction(s -> s.createSelectionQuery(BY_ISBN, Book.class)
        .setParameter("isbn", isbn).setCacheable(true).getSingleResult().getTitle());
  }

  private <T> T inTransaction(Function<Session, T> work) {
    try (Session session = factory.openSession()) {
      Transaction tx = session.beginTransaction();
      try {
        T result = work.apply(session);
        tx.commit();
        return result;
      } catch (RuntimeException e) {
        if (tx.isActive()) {
          tx.rollback();
        }
        throw e;
      }
    }
  }

  // Set-up

  /** In a pinned run, moves the PostgreSQL backend of the one connection onto the run's CPUs. */
  private void keepDatabaseOnSameCpus() {
    String cpus = SameCpus.ofThisJvm();
    if (cpus != null) {
      long backend = inTransaction(s -> s.doReturningWork(connection -> {
        try (Statement statement = connection.createStatement();
            ResultSet result = statement.executeQuery("select pg_backend_pid()")) {
          result.next();
          return result.getLong(1);
        }
      }));
      SameCpus.pin(backend, cpus);
    }
  }

  private void fill() {
    try (Session session = factory.openSession()) {
      Transaction tx = session.beginTransaction();
      session.doWork(connection -> {
        try (PreparedStatement shelves = connection.prepareStatement(
                "insert into bench_shelf (id, name) values (?, ?)");
            PreparedStatement books = connection.prepareStatement("insert into bench_book"
                + " (id, version, title, isbn, price, published, shelf_id)"
                + " values (?, 0, ?, ?, ?, ?, ?)")) {
          for (long id = 1; id <= SHELVES; id++) {
            shelves.setLong(1, id);
            shelves.setString(2, "Shelf " + id);
            shelves.addBatch();
          }
          shelves.executeBatch();
          for (long id = 1; id <= BOOKS; id++) {
            books.setLong(1, id);
            books.setString(2, "Book " + id);
            books.setString(3, isbn(id));
            books.setBigDecimal(4, BigDecimal.valueOf(1_000 + id, 2));
            books.setObject(5, LocalDate.of(2000, 1, 1).plusDays(id));
            books.setLong(6, (id - 1) / BOOKS_PER_SHELF + 1);
            books.addBatch();
          }
          books.executeBatch();
        }
      });
      tx.commit();
    }
  }

  private void warm(Set<Operation> operations) {
    if (operations.contains(Operation.FIND_HIT) || operations.contains(Operation.MISS_THEN_PUT)
        || operations.contains(Operation.UPDATE)) {
      inBatches(BOOKS, (s, id) -> s.find(Book.class, id));
    }
    if (operations.contains(Operation.COLLECTION)) {
      inBatches(SHELVES, (s, id) -> s.find(Shelf.class, id).getBooks().size());
    }
    // Until every query is served from the cache: a query cache may refuse results cached before
    // it knew when their table last changed (ringcache, on tables never written through it).
    Statistics stats = statistics();
    boolean queries = operations.contains(Operation.QUERY) && provider.caches();
    for (int pass = 0; pass < MAX_QUERY_WARMING_PASSES && queries; pass++) {
      long hits = stats.getQueryCacheHitCount();
      inBatches(BOOKS, (s, id) -> s.createSelectionQuery(BY_ISBN, Book.class)
          .setParameter("isbn", isbn(id)).setCacheable(true).getSingleResult());
      if (stats.getQueryCacheHitCount() - hits == BOOKS) {
        break;
      }
    }
  }

  /** Runs {@code read} on ids 1 to {@code count}, a hundred to a session. */
  private void inBatches(long count, BiConsumer<Session, Long> read) {
    int perSession = 100;
    for (long first = 1; first <= count; first += perSession) {
      long from = first;
      inTransaction(s -> {
        for (long id = from; id < from + perSession && id <= count; id++) {
          read.accept(s, id);
        }
        return null;
      });
    }
  }

  /**
   * Runs {@code operation} a few times and fails unless the caches did what the operation is
   * named for (a hit is a hit, a miss a miss, a cached query served from the cache): a
   * misconfigured provider must not pass for a fast one.
   */
  void check(Operation operation) {
    int calls = 20;
    Statistics stats = statistics();
    boolean enabled = stats.isStatisticsEnabled();
    stats.setStatisticsEnabled(true);
    stats.clear();
    for (int i = 0; i < calls; i++) {
      operation.prepare(this, i);
      operation.run(this, i);
    }
    long hits = stats.getSecondLevelCacheHitCount();
    long misses = stats.getSecondLevelCacheMissCount();
    long puts = stats.getSecondLevelCachePutCount();
    long statements = stats.getPrepareStatementCount();
    long queryHits = stats.getQueryCacheHitCount();
    String seen = provider.label() + ", " + operation.label() + ", " + calls + " calls: "
        + hits + " L2 hits, " + misses + " misses, " + puts + " puts, " + queryHits
        + " query cache hits, " + statements + " JDBC statements";
    boolean ok;
    if (!provider.caches()) {
      ok = hits == 0 && statements >= calls;
    } else {
      ok = switch (operation) {
        case FIND_HIT -> hits == calls && misses == 0 && statements == 0;
        case MISS_THEN_PUT -> misses == calls && puts == calls && statements == calls;
        case UPDATE -> hits == calls && misses == 0 && statements == calls
            && stats.getEntityUpdateCount() == calls;
        case COLLECTION -> misses == 0 && statements == 0
            && stats.getCollectionLoadCount() == 0;
        case QUERY -> queryHits == calls && misses == 0 && statements == 0;
      };
    }
    stats.clear();
    stats.setStatisticsEnabled(enabled);
    if (!ok) {
      throw new IllegalStateException("the caches do not do what the benchmark measures: " + seen);
    }
  }

  /** Closes the session factory (which drops the tables) and Redisson's configuration file. */
  @Override
  public void close() {
    try {
      factory.close();
    } finally {
      deleteQuietly(redissonConfig);
    }
  }

  private static void deleteQuietly(@Nullable Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file: the system cleans it up
      }
    }
  }
}
