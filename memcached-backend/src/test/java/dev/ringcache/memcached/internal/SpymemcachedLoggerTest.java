package dev.ringcache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class SpymemcachedLoggerTest {
  @Test
  void spymemcachedLevels_areOneLevelQuieter() {
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.TRACE))
        .isEqualTo(System.Logger.Level.TRACE);
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.DEBUG))
        .isEqualTo(System.Logger.Level.TRACE);
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.INFO))
        .isEqualTo(System.Logger.Level.DEBUG);
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.WARN))
        .isEqualTo(System.Logger.Level.DEBUG);
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.ERROR))
        .isEqualTo(System.Logger.Level.INFO);
    assertThat(SpymemcachedLogger.levelFor(net.spy.memcached.compat.log.Level.FATAL))
        .isEqualTo(System.Logger.Level.INFO);
  }

  @Test
  void installing_leavesAPropertyTheUserSet() {
    String before = System.getProperty(SpymemcachedLogger.PROPERTY);
    try {
      System.setProperty(SpymemcachedLogger.PROPERTY, "net.spy.memcached.compat.log.SunLogger");
      SpymemcachedLogger.installUnlessConfigured();
      assertThat(System.getProperty(SpymemcachedLogger.PROPERTY))
          .isEqualTo("net.spy.memcached.compat.log.SunLogger");
      System.clearProperty(SpymemcachedLogger.PROPERTY);
      SpymemcachedLogger.installUnlessConfigured();
      assertThat(System.getProperty(SpymemcachedLogger.PROPERTY))
          .isEqualTo(SpymemcachedLogger.class.getName());
    } finally {
      if (before == null) {
        System.clearProperty(SpymemcachedLogger.PROPERTY);
      } else {
        System.setProperty(SpymemcachedLogger.PROPERTY, before);
      }
    }
  }

  @Test
  void messages_goToSystemLogger_underSpymemcachedsNames() {
    String name = "net.spy.memcached.test.Bridge" + System.nanoTime();
    Logger jul = Logger.getLogger(name); // System.Logger's default backend
    List<LogRecord> records = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(handler);
    jul.setUseParentHandlers(false);
    try {
      SpymemcachedLogger logger = new SpymemcachedLogger(name);
      jul.setLevel(Level.INFO);
      logger.info("reconnecting");
      logger.warn("Closing, and reopening %s, attempt %d.", "node", 3);
      logger.error("failed", new IllegalStateException("x"));
      assertThat(logger.isInfoEnabled()).isFalse();
      assertThat(records).extracting(LogRecord::getMessage).containsExactly("failed");
      assertThat(records.get(0).getThrown()).hasMessage("x");
      records.clear();
      jul.setLevel(Level.FINE);
      logger.warn("Closing, and reopening %s, attempt %d.", "node", 3);
      assertThat(records).extracting(LogRecord::getMessage)
          .containsExactly("Closing, and reopening node, attempt 3.");
      assertThat(records.get(0).getLevel()).isEqualTo(Level.FINE);
    } finally {
      jul.removeHandler(handler);
    }
  }
}
