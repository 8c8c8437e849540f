package dev.ringcache.memcached;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import javax.security.auth.callback.CallbackHandler;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.SASLAuthOperation;
import net.spy.memcached.ops.SASLStepOperation;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import net.spy.memcached.protocol.binary.SASLAuthOperationImpl;
import net.spy.memcached.protocol.binary.SASLStepOperationImpl;
import org.jspecify.annotations.Nullable;

/**
 * spymemcached's binary operation factory, watching the outcome of SASL authentication, which
 * spymemcached 2.12.3 never reports. Its {@code AuthThread} logs a refusal and goes on: the
 * server's "Auth failure" to {@code SASL_AUTH} drops the connection, and the reconnect, two
 * seconds later, authenticates again, forever ({@code AuthDescriptor} stops only after a number
 * of connections set by a system property, then shuts the whole client down); any other refusal
 * (a server without SASL answers "Unknown command") is followed by a {@code SASL_STEP} every
 * 100 ms, forever. Meanwhile each operation waits for the authentication and is cancelled.
 *
 * <p>This factory wraps the SASL operations (the node names its mechanism, so spymemcached never
 * asks for the list): an empty success is an acceptance; only the server's "auth error" (binary
 * status 0x20), "unknown command" (0x81: no SASL there) or "not supported" (0x83: not this
 * mechanism) is a refusal, reported once to {@code onRefusal} and final. Any other error (out of
 * memory, a temporary failure) is an outage of this attempt: it is reported as {@link
 * Outcome#FAILED} and kept from spymemcached, which would answer it with a {@code SASL_STEP} made
 * of the error's text — bad credentials to the server — and instead, seeing nothing, starts over
 * with a new {@code SASL_AUTH} (or, after an internal error, on a new connection).
 *
 * <p>Thread-safe.
 */
final class SaslWatch extends BinaryOperationFactory {
  /** Where authentication stands. */
  enum Outcome {
    PENDING,
    ACCEPTED,
    /** The last attempt failed for a reason other than the credentials; another follows. */
    FAILED,
    REFUSED
  }

  private static final int AUTH_ERROR = 0x20;
  private static final int UNKNOWN_COMMAND = 0x81;
  private static final int NOT_SUPPORTED = 0x83;

  private final Consumer<String> onRefusal;
  private volatile Outcome outcome = Outcome.PENDING;
  private volatile @Nullable String refusal;
  private volatile @Nullable String failure;

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

  /** What the server said when the last attempt failed, or null. */
  @Nullable String failure() {
    return failure;
  }

  @Override
  public SASLAuthOperation saslAuth(String[] mech, String serverName, Map<String, ?> props,
      CallbackHandler cbh, OperationCallback cb) {
    Watched watched = attempt(cb);
    return new SASLAuthOperationImpl(mech, serverName, props, cbh, watched) {
      @Override
      protected void finishedPayload(byte[] pl) throws IOException {
        watched.binaryStatus = errorCode; // before the callback hears of it
        super.finishedPayload(pl);
      }
    };
  }

  @Override
  public SASLStepOperation saslStep(String[] mech, byte[] challenge, String serverName,
      Map<String, ?> props, CallbackHandler cbh, OperationCallback cb) {
    Watched watched = attempt(cb);
    return new SASLStepOperationImpl(mech, challenge, serverName, props, cbh, watched) {
      @Override
      protected void finishedPayload(byte[] pl) throws IOException {
        watched.binaryStatus = errorCode;
        super.finishedPayload(pl);
      }
    };
  }

  /** A new request of an authentication: a failure before it is history. */
  private Watched attempt(OperationCallback cb) {
    synchronized (this) {
      if (outcome == Outcome.FAILED) {
        outcome = Outcome.PENDING;
      }
    }
    return new Watched(cb);
  }

  /** The callback of one SASL operation, told the binary status of its answer. */
  private final class Watched implements OperationCallback {
    private final OperationCallback cb;
    volatile int binaryStatus = -1;

    Watched(OperationCallback cb) {
      this.cb = cb;
    }

    @Override
    public void receivedStatus(OperationStatus status) {
      if (status.isSuccess()) {
        // An empty success ends authentication; a message is a challenge.
        if (status.getMessage().isEmpty()) {
          settle(Outcome.ACCEPTED, null);
        }
      } else if (fromServer(status)) {
        int code = binaryStatus;
        if (code == AUTH_ERROR || code == UNKNOWN_COMMAND || code == NOT_SUPPORTED) {
          settle(Outcome.REFUSED, status.getMessage());
        } else {
          settle(Outcome.FAILED, status.getStatusCode() + " " + status.getMessage());
          return; // not to spymemcached: see the class comment
        }
      }
      cb.receivedStatus(status);
    }

    @Override
    public void complete() {
      cb.complete();
    }
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
      if (settled == Outcome.FAILED) {
        failure = message;
      } else {
        refusal = message;
      }
      outcome = settled;
    }
    if (firstRefusal) {
      onRefusal.accept(message == null || message.isEmpty() ? "no reason given" : message);
    }
  }
}
