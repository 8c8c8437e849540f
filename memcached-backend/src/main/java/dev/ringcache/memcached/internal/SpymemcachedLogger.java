package dev.ringcache.memcached.internal;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;
import org.jspecify.annotations.Nullable;

/**
 * Sends spymemcached's log to {@link System.Logger}, one level lower than spymemcached gives it:
 * spymemcached reports every reconnect attempt, every operation it cancels and every
 * authentication step (at INFO, WARN and ERROR), while the memcached node itself logs each change
 * of its state once, at WARNING. So spymemcached's INFO and WARN become DEBUG, its ERROR and FATAL
 * INFO, its DEBUG and TRACE TRACE; the loggers keep spymemcached's names ({@code net.spy.memcached…}).
 *
 * <p>spymemcached picks its logger class once per JVM, from the system property {@value
 * #PROPERTY}; the memcached node sets it to this class only when nobody has set it. Created by
 * spymemcached through its public one-argument constructor; not for other use.
 *
 * <p>Thread-safe.
 */
public final class SpymemcachedLogger extends AbstractLogger {
  /** spymemcached's system property naming its logger class. */
  public static final String PROPERTY = "net.spy.log.LoggerImpl";

  private final System.Logger logger;

  /** Called by spymemcached's {@code LoggerFactory}. */
  public SpymemcachedLogger(String name) {
    super(name);
    this.logger = System.getLogger(name);
  }

  /**
   * Makes spymemcached log through this class, unless the system property {@value #PROPERTY} is
   * already set (then the user's choice stands). Takes effect only if spymemcached has not logged
   * yet in this JVM.
   */
  public static void installUnlessConfigured() {
    System.getProperties().putIfAbsent(PROPERTY, SpymemcachedLogger.class.getName());
  }

  @Override
  public boolean isTraceEnabled() {
    return logger.isLoggable(System.Logger.Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return logger.isLoggable(System.Logger.Level.TRACE);
  }

  @Override
  public boolean isInfoEnabled() {
    return logger.isLoggable(System.Logger.Level.DEBUG);
  }

  @Override
  public void log(@Nullable Level level, @Nullable Object message, @Nullable Throwable e) {
    System.Logger.Level to = levelFor(level);
    if (!logger.isLoggable(to)) {
      return;
    }
    String text = String.valueOf(message);
    if (e == null) {
      logger.log(to, text);
    } else {
      logger.log(to, text, e);
    }
  }

  /** The System.Logger level of a spymemcached level. */
  static System.Logger.Level levelFor(@Nullable Level level) {
    if (level == null) {
      return System.Logger.Level.INFO;
    }
    switch (level) {
      case TRACE:
      case DEBUG:
        return System.Logger.Level.TRACE;
      case INFO:
      case WARN:
        return System.Logger.Level.DEBUG;
      default:
        return System.Logger.Level.INFO;
    }
  }
}
