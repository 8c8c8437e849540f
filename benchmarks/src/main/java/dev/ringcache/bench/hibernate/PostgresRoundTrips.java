package dev.ringcache.bench.hibernate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts the round trips the PostgreSQL JDBC driver makes, from its own protocol trace: each
 * {@code Sync} it sends ends a request of the extended protocol (a statement, a batch, a {@code
 * COMMIT}) whose answer it then waits for. The driver's {@code BEGIN} rides with the first
 * statement of a transaction (no round trip of its own), and a commit that follows no statement
 * sends nothing: neither counts, as on the wire. (The driver's default protocol; with {@code
 * preferQueryMode=simple} this would count nothing.)
 *
 * <p>Turns on the driver's {@code FINEST} trace for its lifetime (slow: for counting only, never
 * while timing). The creator owns it and closes it. Thread-safe.
 */
final class PostgresRoundTrips implements AutoCloseable {
  /** The logger of pgjdbc's protocol (v3) implementation. */
  private static final String PROTOCOL_LOGGER = "org.postgresql.core.v3.QueryExecutorImpl";

  private final Logger logger = Logger.getLogger(PROTOCOL_LOGGER); // held: JUL keeps it weakly
  private final Level level;
  private final boolean useParentHandlers;
  private final AtomicLong trips = new AtomicLong();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      String message = record.getMessage();
      if (" FE=> Sync".equals(message)) {
        trips.incrementAndGet();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  PostgresRoundTrips() {
    level = logger.getLevel();
    useParentHandlers = logger.getUseParentHandlers();
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
    logger.setLevel(Level.FINEST);
  }

  /** The round trips so far. */
  long count() {
    return trips.get();
  }

  @Override
  public void close() {
    logger.setLevel(level);
    logger.setUseParentHandlers(useParentHandlers);
    logger.removeHandler(handler);
  }
}
