package dev.ringcache.api;

import dev.ringcache.api.ValueCodec.MissReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization for the classes on {@link ValueCodec}'s allow-list, and for nothing else.
 *
 * <p>Reading is guarded twice. {@code resolveClass} refuses to even load a class whose name is not
 * admissible, so a refused class's static initializer never runs; and an {@link ObjectInputFilter}
 * admits, by their loaded classes:
 *
 * <ul>
 *   <li>the allow-listed classes, by exact name;
 *   <li>{@link #BASELINE}: the primitive wrappers, {@code String}, {@code BigInteger} and {@code
 *       BigDecimal}, which allow-listed classes commonly hold and whose deserialization runs no
 *       application code;
 *   <li>the superclasses of classes admitted in the same stream (their class descriptors follow
 *       the subclass's; their {@code readObject} is part of the admitted class's own);
 *   <li>arrays of any type, up to a length the input could hold (an array runs no code; each of its
 *       elements is checked as an object of its own).
 * </ul>
 *
 * Everything else is rejected, and so is a stream nested deeper than {@link ValueCodec#MAX_DEPTH},
 * with more references than it has bytes, or with a dynamic proxy. Classes are loaded, without
 * initialization, with the thread's context class loader or else the codec's.
 *
 * <p>Writing checks every object of the graph in the same way (enum constants by their enum class),
 * so that a value that could not be read back fails at once with a {@link CodecException}.
 *
 * <p>Immutable and thread-safe.
 */
final class AllowListedSerialization {
  /** Admitted in every stream that reaches this class, besides the allow-list. */
  static final Set<String> BASELINE = Set.of("java.lang.Boolean", "java.lang.Byte",
      "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long",
      "java.lang.Float", "java.lang.Double", "java.lang.String", "java.math.BigInteger",
      "java.math.BigDecimal");

  private final Set<String> allowed;
  private final ClassLoader codecLoader;

  AllowListedSerialization(Set<String> allowed, ClassLoader codecLoader) {
    this.allowed = Set.copyOf(allowed);
    this.codecLoader = codecLoader;
  }

  Set<String> allowed() {
    return allowed;
  }

  /** Whether values of this exact class are written with Java serialization. */
  boolean allows(Class<?> type) {
    return !allowed.isEmpty() && allowed.contains(type.getName());
  }

  /** The Java serialization stream of {@code value}; a {@link CodecException} if it cannot be. */
  byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (CheckingOutputStream out = new CheckingOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new CodecException("cannot encode a value of " + value.getClass().getName()
          + ": it is allowed for Java serialization but " + e.getMessage()
          + " is not Serializable", e);
    } catch (IOException e) {
      throw new CodecException("cannot encode a value of " + value.getClass().getName()
          + " with Java serialization: " + e, e);
    }
    return bytes.toByteArray();
  }

  /**
   * The object in the {@code length} bytes at {@code offset}, which must hold one serialization
   * stream and nothing more: an {@link UnreadableEntryException} with {@link
   * MissReason#DISALLOWED_CLASS} if it names a class that is not admitted, {@link
   * MissReason#UNKNOWN_CLASS} if an admitted class is missing here, else {@link
   * MissReason#CORRUPT} for any other failure.
   */
  Object deserialize(byte[] input, int offset, int length) {
    if (allowed.isEmpty()) {
      throw UnreadableEntryException.of(MissReason.DISALLOWED_CLASS);
    }
    StreamCheck check = new StreamCheck(length);
    ByteArrayInputStream in = new ByteArrayInputStream(input, offset, length);
    try (CheckingInputStream objects = new CheckingInputStream(in, check)) {
      Object value = objects.readObject();
      if (in.available() != 0) {
        throw UnreadableEntryException.of(MissReason.CORRUPT);
      }
      return value;
    } catch (ClassNotFoundException | IOException | RuntimeException e) {
      if (e instanceof UnreadableEntryException unreadable) {
        throw unreadable;
      }
      // A class that could not be loaded comes first: the descriptors after it (its
      // superclasses) are refused, as nothing admitted them.
      throw UnreadableEntryException.of(check.unresolved ? MissReason.UNKNOWN_CLASS
          : check.refused ? MissReason.DISALLOWED_CLASS : MissReason.CORRUPT);
    }
  }

  private boolean isAdmittedName(String name) {
    return allowed.contains(name) || BASELINE.contains(name);
  }

  /** The admission rules of one stream: its limits and the classes admitted so far. */
  private final class StreamCheck implements ObjectInputFilter {
    private final long maxCount;
    private final List<Class<?>> admitted = new ArrayList<>();
    private final Set<String> superclassNames = new HashSet<>();
    boolean refused;
    boolean unresolved;

    StreamCheck(int streamLength) {
      this.maxCount = streamLength;
    }

    /** Whether {@code resolveClass} may load a class of this name. */
    boolean mayLoad(String name) {
      boolean admissible = name.startsWith("[") || isAdmittedName(name)
          || superclassNames.contains(name);
      if (!admissible) {
        refused = true;
      }
      return admissible;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > ValueCodec.MAX_DEPTH || info.references() > maxCount
          || info.streamBytes() > maxCount) {
        return refuse();
      }
      Class<?> type = info.serialClass();
      if (type == null) {
        return Status.UNDECIDED; // a check of the limits alone, passed
      }
      if (type.isArray()) {
        return info.arrayLength() <= maxCount ? Status.ALLOWED : refuse();
      }
      if (isAdmittedName(type.getName())) {
        admitted.add(type);
        for (Class<?> s = type.getSuperclass(); s != null; s = s.getSuperclass()) {
          superclassNames.add(s.getName());
        }
        return Status.ALLOWED;
      }
      for (Class<?> admittedType : admitted) {
        if (!type.isInterface() && type.isAssignableFrom(admittedType)) {
          return Status.ALLOWED;
        }
      }
      return refuse();
    }

    private Status refuse() {
      refused = true;
      return Status.REJECTED;
    }
  }

  /** Resolves only admissible names, filters with its {@link StreamCheck}, and has no proxies. */
  private final class CheckingInputStream extends ObjectInputStream {
    private final StreamCheck check;

    CheckingInputStream(InputStream in, StreamCheck check) throws IOException {
      super(in);
      this.check = check;
      setObjectInputFilter(check);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass descriptor)
        throws IOException, ClassNotFoundException {
      String name = descriptor.getName();
      if (!check.mayLoad(name)) {
        throw new InvalidClassException(name, "not on the codec's Java serialization allow-list");
      }
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      Class<?> type = load(name, context != null ? context : codecLoader);
      if (type == null && context != null && context != codecLoader) {
        type = load(name, codecLoader);
      }
      if (type == null) {
        check.unresolved = true;
        throw new ClassNotFoundException(name);
      }
      return type;
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      check.refused = true;
      throw new InvalidClassException("a dynamic proxy is never deserialized");
    }
  }

  private static @Nullable Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** Checks every object written against the rules the reader will apply. */
  private final class CheckingOutputStream extends ObjectOutputStream {
    CheckingOutputStream(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object object) {
      Class<?> type = object instanceof Enum<?> constant
          ? constant.getDeclaringClass() : object.getClass();
      if (!type.isArray() && !isAdmittedName(type.getName())) {
        throw new CodecException("cannot encode a value with Java serialization: it holds a "
            + type.getName() + ", which is not allowed for Java serialization; allow it too with "
            + "ValueCodec.builder().allowJavaSerialization(…) if it is safe to deserialize");
      }
      return object;
    }
  }
}
