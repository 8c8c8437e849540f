package dev.ringcache.bench.shop;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.jspecify.annotations.Nullable;

/**
 * The shop's database: the one {@code --jdbc-url} names, or by default H2 in memory behind H2's
 * own TCP server, started in this JVM on a free loopback port. Through the TCP server every SQL
 * statement is a network round trip, as it is to a database server; an embedded in-memory H2
 * would answer in a method call and make the run without a cache unrealistically fast. The
 * workload's tables are created by the first application server of each phase.
 *
 * <p>Owned by the demo, which closes it: that stops the TCP server, and with it the in-memory
 * database. Thread-safe.
 */
final class ShopDatabase implements AutoCloseable {
  /** How long H2 waits for a row lock, in milliseconds. */
  private static final int H2_LOCK_TIMEOUT_MILLIS = 10_000;
  private static final Pattern PASSWORD =
      Pattern.compile("(?i)(password=)[^&;]*|(//[^/:@]*:)[^@/]*@");

  private final String url;
  private final String description;
  private final @Nullable Server server;

  private ShopDatabase(String url, String description, @Nullable Server server) {
    this.url = url;
    this.description = description;
    this.server = server;
  }

  /**
   * Opens the database {@code jdbcUrl} names (checking that it answers), or the embedded default
   * when it is null.
   */
  static ShopDatabase open(@Nullable String jdbcUrl) throws SQLException {
    if (jdbcUrl != null) {
      return new ShopDatabase(jdbcUrl, describe(jdbcUrl) + " at " + redact(jdbcUrl), null);
    }
    // Only loopback: the server is this demo's, reachable by nothing else.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
    Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    try {
      String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:shop-demo"
          + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=" + H2_LOCK_TIMEOUT_MILLIS;
      String description = describe(url) + " in memory, behind its TCP server on 127.0.0.1:"
          + server.getPort() + " in this JVM, on the workload's CPUs (every statement a loopback "
          + "round trip; no disk)";
      return new ShopDatabase(url, description, server);
    } catch (SQLException | RuntimeException e) {
      server.stop();
      throw e;
    }
  }

  String url() {
    return url;
  }

  /** What the database is, for the report: product, version, where; never a password. */
  String description() {
    return description;
  }

  /** {@code url} with any password replaced by {@code ***}. */
  static String redact(String url) {
    return PASSWORD.matcher(url).replaceAll(m -> Matcher.quoteReplacement(
        m.group(1) != null ? m.group(1) + "***" : m.group(2) + "***@"));
  }

  private static String describe(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      DatabaseMetaData meta = c.getMetaData();
      String version = meta.getDatabaseProductVersion();
      int space = version.indexOf(' ');
      return meta.getDatabaseProductName() + " " + (space > 0 ? version.substring(0, space)
          : version);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
