package dev.ringcache.memcached;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.security.auth.callback.CallbackHandler;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.SASLAuthOperation;
import net.spy.memcached.ops.SASLMechsOperation;
import net.spy.memcached.ops.SASLStepOperation;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import org.jspecify.annotations.Nullable;

/**
 * spymemcached's binary operation factory, watching the outcome of SASL authentication, which
 * spymemcached 2.12.3 never reports. Its {@code AuthThread} logs a refusal and goes on: the
 * server's "Auth failure" to {@code SASL_AUTH} drops the connection, and the reconnect, two
 * seconds later, authenticates again, forever ({@code AuthDescriptor} stops only after a number
 * of connections set by a system property, then shuts the whole client down); any other refusal
 * (a server without SASL answers "Unknown command") is followed by a {@code SASL_STEP} every
 * 100 ms, forever. Meanwhile each operation waits for the authentication and is cancelled. This
 * factory wraps the callbacks of the SASL operations: the server's first answer that is not a
 * success is a refusal, reported once to {@code onRefusal}; an empty success is an acceptance.
 *
 * <p>Thread-safe.
 */
final class SaslWatch extends BinaryOperationFactory {
  /** Where authentication stands. */
  enum Outcome {
    PENDING,
    ACCEPTED,
    REFUSED
  }

  private final Consumer<String> onRefusal;
  private volatile Outcome outcome = Outcome.PENDING;
  private volatile @Nullable String refusal;

  SaslWatch(Consumer<String> onRefusal) {
    this.onRefusal = onRefusal;
  }

  Outcome outcome() {
    return outcome;
  }

  /** What the server said when it refused, or null. */
  @Nullable String refusal() {
    return refusal;
  }

  /** Waits until authentication is accepted or refused, at most {@code millis}. */
  Outcome await(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      while (outcome == Outcome.PENDING) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return outcome;
    }
  }

  @Override
  public SASLMechsOperation saslMechs(OperationCallback cb) {
    return super.saslMechs(watched(cb, false));
  }

  @Override
  public SASLAuthOperation saslAuth(String[] mech, String serverName, Map<String, ?> props,
      CallbackHandler cbh, OperationCallback cb) {
    return super.saslAuth(mech, serverName, props, cbh, watched(cb, true));
  }

  @Override
  public SASLStepOperation saslStep(String[] mech, byte[] challenge, String serverName,
      Map<String, ?> props, CallbackHandler cbh, OperationCallback cb) {
    return super.saslStep(mech, challenge, serverName, props, cbh, watched(cb, true));
  }

  private OperationCallback watched(OperationCallback cb, boolean authenticates) {
    return new OperationCallback() {
      @Override
      public void receivedStatus(OperationStatus status) {
        if (status.isSuccess()) {
          // An empty success ends authentication; a message is a challenge or a list of mechanisms.
          if (authenticates && status.getMessage().isEmpty()) {
            settle(Outcome.ACCEPTED, null);
          }
        } else if (fromServer(status)) {
          settle(Outcome.REFUSED, status.getMessage());
        }
        cb.receivedStatus(status);
      }

      @Override
      public void complete() {
        cb.complete();
      }
    };
  }

  /** A status the server gave, not one the client made up for a lost or slow operation. */
  private static boolean fromServer(OperationStatus status) {
    StatusCode code = status.getStatusCode();
    return code != StatusCode.CANCELLED && code != StatusCode.TIMEDOUT
        && code != StatusCode.INTERRUPTED;
  }

  private void settle(Outcome settled, @Nullable String message) {
    boolean firstRefusal;
    synchronized (this) {
      if (outcome == Outcome.REFUSED) {
        return; // a refusal is final: the node shuts its client down
      }
      firstRefusal = settled == Outcome.REFUSED;
      refusal = message;
      outcome = settled;
      notifyAll();
    }
    if (firstRefusal) {
      onRefusal.accept(message == null || message.isEmpty() ? "no reason given" : message);
    }
  }
}
