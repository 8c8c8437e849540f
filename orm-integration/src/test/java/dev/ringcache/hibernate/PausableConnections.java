package dev.ringcache.hibernate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.jspecify.annotations.Nullable;

/**
 * A JDBC connection provider with the pause points of the race tests (PROTOCOL-NOTES.md §7.1),
 * placed in JDBC so that they stop any cache provider at the same moments:
 *
 * <ul>
 *   <li>after a read: when a query whose SQL mentions a table has returned its last row, before
 *       Hibernate puts what it read into the cache;
 *   <li>after a commit: when the database commit has returned, before Hibernate's
 *       after-completion work (unlocks, after-insert puts).
 * </ul>
 *
 * <p>Each pause is armed for the calling thread only, and fires once. One instance per session
 * factory, as each application server has its own pool. Thread-safe.
 */
final class PausableConnections implements ConnectionProvider {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final transient ThreadLocal<@Nullable Armed> afterRead = new ThreadLocal<>();
  private final transient ThreadLocal<@Nullable Pause> afterCommit = new ThreadLocal<>();
  private final transient ThreadLocal<@Nullable Armed> atFirstValue = new ThreadLocal<>();

  private record Armed(String table, Pause pause) {}

  PausableConnections(String url) {
    this.url = url;
  }

  /** Pauses this thread once, after the next query on {@code table} has read its last row. */
  void pauseAfterReadOf(String table, Pause pause) {
    afterRead.set(new Armed(table.toLowerCase(Locale.ROOT), pause));
  }

  /**
   * Pauses this thread once, when it reads the first column of a row of a query on {@code
   * table}: the row is read, and Hibernate has not yet looked at it.
   */
  void pauseAtFirstValueOf(String table, Pause pause) {
    atFirstValue.set(new Armed(table.toLowerCase(Locale.ROOT), pause));
  }

  /** Pauses this thread once, after its next database commit has returned. */
  void pauseAfterCommit(Pause pause) {
    afterCommit.set(pause);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = DriverManager.getConnection(url);
    return proxy(Connection.class, real, (method, args) -> {
      Object result = invoke(real, method, args);
      if (method.getName().equals("commit")) {
        Pause pause = afterCommit.get();
        if (pause != null) {
          afterCommit.remove();
          pause.hold();
        }
      }
      if (result instanceof PreparedStatement statement && args != null && args.length > 0
          && args[0] instanceof String sql) {
        return watched(statement, sql);
      }
      return result;
    });
  }

  private PreparedStatement watched(PreparedStatement real, String sql) {
    return proxy(PreparedStatement.class, real, (method, args) -> {
      Object result = invoke(real, method, args);
      if (result instanceof ResultSet rows) {
        return watched(rows, sql.toLowerCase(Locale.ROOT));
      }
      return result;
    });
  }

  private ResultSet watched(ResultSet real, String sql) {
    return proxy(ResultSet.class, real, (method, args) -> {
      Armed atValue = atFirstValue.get();
      if (atValue != null && method.getName().startsWith("get") && args != null
          && args.length > 0 && sql.contains(atValue.table())) {
        atFirstValue.remove();
        atValue.pause().hold();
      }
      Object result = invoke(real, method, args);
      boolean end = (method.getName().equals("next") && Boolean.FALSE.equals(result))
          || method.getName().equals("close");
      Armed armed = afterRead.get();
      if (end && armed != null && sql.contains(armed.table())) {
        afterRead.remove();
        armed.pause().hold();
      }
      return result;
    });
  }

  private interface Call {
    Object call(Method method, Object @Nullable [] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, Object real, Call call) {
    InvocationHandler handler = (p, method, args) -> call.call(method, args);
    return type.cast(Proxy.newProxyInstance(PausableConnections.class.getClassLoader(),
        new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, Method method, Object @Nullable [] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public void closeConnection(Connection connection) throws SQLException {
    connection.close();
  }

  @Override
  public boolean supportsAggressiveRelease() {
    return false;
  }

  @Override
  public boolean isUnwrappableAs(Class<?> unwrapType) {
    return false;
  }

  @Override
  public <T> T unwrap(Class<T> unwrapType) {
    throw new UnsupportedOperationException("unwrap " + unwrapType);
  }

  /** Runs SQL outside Hibernate, e.g. to read what the database holds. */
  <T> T jdbc(SqlWork<T> work) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      return work.run(s);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  interface SqlWork<T> {
    T run(Statement statement) throws SQLException;
  }
}
