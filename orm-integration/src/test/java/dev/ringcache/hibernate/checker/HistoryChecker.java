package dev.ringcache.hibernate.checker;

import dev.ringcache.hibernate.checker.History.Outcome;
import dev.ringcache.hibernate.checker.History.Read;
import dev.ringcache.hibernate.checker.History.Write;
import dev.ringcache.hibernate.checker.HistoryReport.CacheCounts;
import dev.ringcache.hibernate.checker.HistoryReport.QuiescentMismatch;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.CacheRegionDefinition;
import org.hibernate.boot.CacheRegionDefinition.CacheRegionType;
import org.hibernate.boot.MetadataBuilder;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.stat.CacheableDataStatistics;
import org.hibernate.stat.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * A randomized history checker for Hibernate second-level caches, after Infinispan's {@code
 * CorrectnessTestCase} and Jepsen (PROTOCOL-NOTES.md §7.2). One {@link #run()}:
 *
 * <ol>
 *   <li>starts the workload's session factories over one fresh H2 in-memory database, each with
 *       its own service registry and so its own region factory, and creates the hot rows;
 *   <li>runs factories × threads workers for the workload's duration. Each operation is a read (a
 *       {@code find} in a new session and transaction, or in one read of four a query for the
 *       row, whose load Hibernate puts without a lease) or a write (a {@code find}, then a new
 *       globally unique value, {@code w<sf>-<thread>-<seq>}, flushed, then committed or rolled
 *       back), recorded with invoke and complete stamps from one {@link AtomicLong};
 *   <li>checks the history with the {@link RegisterChecker}, then reads every row from every
 *       session factory in a fresh session and compares it with the database, read by plain JDBC;
 *       the hit ratios count the cache lookups between the end of the warm-up and the end of the
 *       workload;
 *   <li>closes the factories, shuts the database down, and returns a {@link HistoryReport}.
 * </ol>
 *
 * <p>For a {@link Workload#collections() versioned} entity a write also replaces the row's tags by
 * its value, and a read reads them too: the tags are a second register, in the collection region.
 * An optimistic lock failure, or any other exception before the commit, is a failed write; an
 * exception from {@code commit()} itself is an indeterminate one.
 *
 * <p>Not thread-safe: one run at a time. A run is bounded: the workers stop by themselves at the
 * workload's duration, and every thread and factory is gone when {@code run()} returns.
 */
final class HistoryChecker {
  /** How long H2 waits for a row lock; also what a worker may overrun the duration by. */
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration GRACE = LOCK_TIMEOUT.plusSeconds(20);
  private static final String TAGS_TABLE = "checked_rows_tags";
  private static final String TAGS_OWNER = "row_id";
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Workload workload;
  private final String url;
  private final String table;
  private final AtomicLong clock = new AtomicLong(History.SETUP);

  HistoryChecker(Workload workload) {
    this.workload = Objects.requireNonNull(workload, "workload");
    this.url = "jdbc:h2:mem:checker-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT="
        + LOCK_TIMEOUT.toMillis();
    this.table = workload.entity().getAnnotation(Table.class).name();
  }

  /** Runs the workload, checks its history, and reports. */
  HistoryReport run() throws InterruptedException {
    List<SessionFactory> factories = new ArrayList<>();
    try {
      for (int i = 0; i < workload.factories(); i++) {
        factories.add(start(i));
      }
      List<Write> writes = new ArrayList<>(createRows(factories.get(0)));
      factories.forEach(f -> f.getStatistics().clear());

      long started = System.nanoTime();
      Ran ran = runWorkers(factories);
      Duration workloadTime = Duration.ofNanos(System.nanoTime() - started);
      List<Worker> workers = ran.workers();
      CacheCounts counted = cacheCounts(factories).minus(ran.warmedUp());

      long checking = System.nanoTime();
      List<Read> reads = new ArrayList<>();
      Map<String, Integer> causes = new HashMap<>();
      int readFailures = 0;
      for (Worker w : workers) {
        writes.addAll(w.writes);
        reads.addAll(w.reads);
        readFailures += w.readFailures;
        w.failureCauses.forEach((cause, n) -> causes.merge(cause, n, Integer::sum));
      }
      List<Violation> violations = RegisterChecker.check(new History(writes, reads));
      List<QuiescentMismatch> mismatches = quiescentCheck(factories);
      Duration checkTime = Duration.ofNanos(System.nanoTime() - checking);

      List<Write> workloadWrites = workers.stream().flatMap(w -> w.writes.stream())
          .filter(w -> !isTags(w.register())).toList();
      int rowReads = (int) reads.stream().filter(r -> !isTags(r.register())).count();
      return new HistoryReport(workload, rowReads, readFailures,
          workloadWrites.size(), count(workloadWrites, Outcome.COMMITTED),
          count(workloadWrites, Outcome.ROLLED_BACK), count(workloadWrites, Outcome.FAILED),
          count(workloadWrites, Outcome.INDETERMINATE), causes, violations, mismatches, counted,
          workloadTime, checkTime);
    } finally {
      for (int i = factories.size() - 1; i >= 0; i--) {
        factories.get(i).close();
      }
      jdbc(statement -> statement.execute("SHUTDOWN"));
    }
  }

  private static int count(List<Write> writes, Outcome outcome) {
    return (int) writes.stream().filter(w -> w.outcome() == outcome).count();
  }

  // Setup

  private SessionFactory start(int factory) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.connection.url", url);
    settings.put("hibernate.connection.pool_size", workload.threadsPerFactory() + 1);
    settings.put("hibernate.hbm2ddl.auto", factory == 0 ? "create" : "none");
    settings.put("hibernate.cache.use_second_level_cache", "true");
    settings.put("hibernate.cache.region.factory_class", workload.regionFactory());
    settings.put("jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE");
    String strategy = workload.access().getExternalName();
    settings.put("hibernate.cache.default_cache_concurrency_strategy", strategy);
    settings.put("hibernate.generate_statistics", "true");
    settings.putAll(workload.settingsOf(factory));
    StandardServiceRegistry registry =
        new StandardServiceRegistryBuilder().applySettings(settings).build();
    try {
      MetadataBuilder metadata = new MetadataSources(registry).addAnnotatedClass(CheckedRow.class)
          .addAnnotatedClass(CheckedNote.class).getMetadataBuilder();
      // Not hibernate.collectioncache.<role>: only the JPA bootstrap reads those settings.
      for (Class<?> entity : List.of(CheckedRow.class, CheckedNote.class)) {
        metadata.applyCacheRegionDefinition(new CacheRegionDefinition(CacheRegionType.COLLECTION,
            entity.getName() + ".tags", strategy, null, false));
      }
      return metadata.build().buildSessionFactory();
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /** Creates rows 1..hotRows with their initial values: writes committed at time 0. */
  private List<Write> createRows(SessionFactory factory) {
    List<Write> initial = new ArrayList<>();
    factory.inTransaction(session -> {
      for (long id = 1; id <= workload.hotRows(); id++) {
        String value = "init-" + id;
        Checked row = workload.entity() == CheckedRow.class ? new CheckedRow(id, value)
            : new CheckedNote(id, value);
        session.persist(row);
        initial.add(Write.initial(register(id), value));
        if (workload.collections()) {
          row.getTags().add(value);
          initial.add(Write.initial(tagsRegister(id), value));
        }
      }
    });
    return initial;
  }

  // The workload

  /** What the workers did, and the cache statistics when the warm-up ended. */
  private record Ran(List<Worker> workers, CacheCounts warmedUp) {}

  private Ran runWorkers(List<SessionFactory> factories) throws InterruptedException {
    int threads = workload.factories() * workload.threadsPerFactory();
    int pool = POOLS.incrementAndGet();
    AtomicInteger names = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "checker-" + pool + "-" + names.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    });
    try {
      CompletionService<Worker> completion = new ExecutorCompletionService<>(executor);
      CountDownLatch go = new CountDownLatch(1);
      long start = System.nanoTime();
      long deadline = start + workload.duration().toNanos();
      for (int f = 0; f < workload.factories(); f++) {
        for (int t = 0; t < workload.threadsPerFactory(); t++) {
          completion.submit(new Worker(f, t, factories.get(f), go, deadline));
        }
      }
      go.countDown();
      List<Worker> done = new ArrayList<>();
      // Workers run until the deadline, which is after the warm-up: one that ends sooner failed.
      Future<Worker> early = completion.poll(
          start + workload.warmUp().toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (early != null) {
        done.add(result(early));
      }
      CacheCounts warmedUp = cacheCounts(factories);
      long limit = deadline + GRACE.toNanos();
      while (done.size() < threads) {
        Future<Worker> next = completion.poll(limit - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new IllegalStateException("a worker overran the workload by more than " + GRACE);
        }
        done.add(result(next));
      }
      return new Ran(done, warmedUp);
    } finally {
      executor.shutdownNow();
      if (!executor.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("workers still running " + GRACE + " after shutdown");
      }
    }
  }

  private static Worker result(Future<Worker> done) throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a worker failed", e.getCause());
    }
  }

  /** One thread of one session factory: its own random stream and its own record of operations. */
  private final class Worker implements Callable<Worker> {
    final int factory;
    final int thread;
    final SessionFactory sessions;
    final CountDownLatch go;
    final long deadline;
    final SplittableRandom random;
    final List<Write> writes = new ArrayList<>();
    final List<Read> reads = new ArrayList<>();
    final Map<String, Integer> failureCauses = new HashMap<>();
    int readFailures;
    long sequence;

    Worker(int factory, int thread, SessionFactory sessions, CountDownLatch go, long deadline) {
      this.factory = factory;
      this.thread = thread;
      this.sessions = sessions;
      this.go = go;
      this.deadline = deadline;
      this.random = new SplittableRandom(workload.seed() * 1_000_003L + factory * 1_000L + thread);
    }

    @Override
    public Worker call() throws InterruptedException {
      if (!go.await(GRACE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("never started");
      }
      while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
        long id = 1 + random.nextInt(workload.hotRows());
        if (random.nextInt(100) < workload.writePercent()) {
          write(id, random.nextInt(workload.rollbackOneIn()) == 0);
        } else {
          read(id);
        }
      }
      return this;
    }

    private void read(long id) {
      boolean byQuery = random.nextInt(4) == 0;
      long invoke = clock.incrementAndGet();
      String value;
      String tags = null;
      long complete;
      try (Session session = sessions.openSession()) {
        Transaction tx = session.beginTransaction();
        try {
          Checked row = byQuery ? queryRow(session, id) : session.find(workload.entity(), id);
          value = row == null ? null : row.getValue();
          if (row != null && workload.collections()) {
            tags = tagsValue(row.getTags());
          }
          tx.commit();
        } catch (RuntimeException e) {
          readFailures++;
          failureCauses.merge("read " + causeOf(e), 1, Integer::sum);
          rollBackQuietly(tx);
          return;
        }
        complete = clock.incrementAndGet();
      }
      reads.add(new Read(register(id), value, invoke, complete, factory, thread));
      if (workload.collections()) {
        reads.add(new Read(tagsRegister(id), tags, invoke, complete, factory, thread));
      }
    }

    /** The row, read by a query: Hibernate puts what it loads without a lease. */
    private @Nullable Checked queryRow(Session session, long id) {
      return session.createSelectionQuery(
          "from " + workload.entity().getSimpleName() + " r where r.id = :id", workload.entity())
          .setParameter("id", id).getSingleResultOrNull();
    }

    private void write(long id, boolean rollBack) {
      String value = "w" + factory + "-" + thread + "-" + sequence++;
      long invoke = clock.incrementAndGet();
      Outcome outcome;
      long complete;
      try (Session session = sessions.openSession()) {
        Transaction tx = session.beginTransaction();
        boolean committing = false;
        try {
          Checked row = Objects.requireNonNull(session.find(workload.entity(), id), "row");
          row.setValue(value);
          if (workload.collections()) {
            row.getTags().clear();
            row.getTags().add(value);
          }
          session.flush();
          if (rollBack) {
            tx.rollback();
            outcome = Outcome.ROLLED_BACK;
          } else {
            committing = true;
            tx.commit();
            outcome = Outcome.COMMITTED;
          }
        } catch (RuntimeException e) {
          outcome = committing ? Outcome.INDETERMINATE : Outcome.FAILED;
          failureCauses.merge(causeOf(e), 1, Integer::sum);
          rollBackQuietly(tx);
        }
        complete = clock.incrementAndGet();
      }
      writes.add(new Write(register(id), value, outcome, invoke, complete, factory, thread));
      if (workload.collections()) {
        writes.add(new Write(tagsRegister(id), value, outcome, invoke, complete, factory, thread));
      }
    }
  }

  private static void rollBackQuietly(Transaction tx) {
    try {
      if (tx.isActive()) {
        tx.rollback();
      }
    } catch (RuntimeException e) {
      // The transaction is gone either way; the operation's outcome is already recorded.
    }
  }

  private static String causeOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return e.getClass().getSimpleName()
        + (root == e ? "" : "/" + root.getClass().getSimpleName());
  }

  // The end

  /** The lookups and puts so far in the entity and collection regions, over all factories. */
  private CacheCounts cacheCounts(List<SessionFactory> factories) {
    CacheCounts sum = CacheCounts.NONE;
    for (SessionFactory factory : factories) {
      Statistics statistics = factory.getStatistics();
      CacheableDataStatistics entity =
          statistics.getEntityStatistics(workload.entity().getName());
      CacheableDataStatistics tags =
          statistics.getCollectionStatistics(workload.entity().getName() + ".tags");
      sum = sum.plus(new CacheCounts(entity.getCacheHitCount(), entity.getCacheMissCount(),
          entity.getCachePutCount(), tags.getCacheHitCount(), tags.getCacheMissCount(),
          tags.getCachePutCount()));
    }
    return sum;
  }

  /** Every row from every factory in a fresh session, against the database read by plain JDBC. */
  private List<QuiescentMismatch> quiescentCheck(List<SessionFactory> factories) {
    List<QuiescentMismatch> mismatches = new ArrayList<>();
    for (int f = 0; f < factories.size(); f++) {
      for (long id = 1; id <= workload.hotRows(); id++) {
        long rowId = id;
        String[] cached = factories.get(f).fromTransaction(session -> {
          Checked row = session.find(workload.entity(), rowId);
          return new String[] {row == null ? null : row.getValue(),
              row == null || !workload.collections() ? null : tagsValue(row.getTags())};
        });
        String database = jdbc(s -> single(s, "select val from " + table + " where id = ?", rowId));
        if (!Objects.equals(cached[0], database)) {
          mismatches.add(new QuiescentMismatch(f, register(id), cached[0], database));
        }
        if (workload.collections()) {
          String tags = jdbc(s -> tagsValue(all(s, "select tag from " + TAGS_TABLE + " where "
              + TAGS_OWNER + " = ?", rowId)));
          if (!Objects.equals(cached[1], tags)) {
            mismatches.add(new QuiescentMismatch(f, tagsRegister(id), cached[1], tags));
          }
        }
      }
    }
    return mismatches;
  }

  private static @Nullable String single(Statement statement, String sql, long id)
      throws SQLException {
    List<String> found = all(statement, sql, id);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<String> all(Statement statement, String sql, long id) throws SQLException {
    try (PreparedStatement query = statement.getConnection().prepareStatement(sql)) {
      query.setLong(1, id);
      List<String> found = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
      return found;
    }
  }

  private interface SqlWork<T> {
    T run(Statement statement) throws SQLException;
  }

  private <T> T jdbc(SqlWork<T> work) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      return work.run(s);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // Registers

  private String register(long id) {
    return workload.entity().getSimpleName() + "#" + id;
  }

  private String tagsRegister(long id) {
    return register(id) + ".tags";
  }

  private static boolean isTags(String register) {
    return register.endsWith(".tags");
  }

  /** A set of tags as a register value: its one element, else the sorted set as text. */
  static String tagsValue(Collection<String> tags) {
    return tags.size() == 1 ? tags.iterator().next() : new TreeSet<>(tags).toString();
  }
}
