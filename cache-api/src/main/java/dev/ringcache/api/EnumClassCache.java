package dev.ringcache.api;

import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The enum classes a {@link ValueCodec} has read, by name: loading one takes longer than decoding
 * the rest of a typical entry. A class is looked up as {@link #load} says and remembered together
 * with the loader that was asked for it, and a remembered class serves only a request through that
 * same loader, so caching never changes which class a name resolves to. Both are held weakly: the
 * cache never keeps an application's class loader alive. Only classes that loaded and are enums are
 * remembered, so garbage names never fill it.
 *
 * <p>Thread-safe.
 */
final class EnumClassCache {
  private final ClassLoader codecLoader;
  private final ConcurrentHashMap<String, Loaded> byName = new ConcurrentHashMap<>();

  EnumClassCache(ClassLoader codecLoader) {
    this.codecLoader = codecLoader;
  }

  /**
   * The enum class of this name, from the thread's context class loader or else the codec's, loaded
   * without initialization (so that a class that turns out not to be an enum runs no code); null if
   * it is missing, cannot be linked, or is not an enum.
   */
  @Nullable Class<?> load(String name) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader asked = context != null ? context : codecLoader;
    Loaded loaded = byName.get(name);
    if (loaded != null && loaded.loader.get() == asked) {
      Class<?> type = loaded.type.get();
      if (type != null) {
        return type;
      }
    }
    Class<?> type = load(name, asked);
    if (type == null && asked != codecLoader) {
      type = load(name, codecLoader);
    }
    if (type == null || !type.isEnum()) {
      return null;
    }
    byName.put(name, new Loaded(new WeakReference<>(asked), new WeakReference<>(type)));
    return type;
  }

  private static @Nullable Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private record Loaded(WeakReference<ClassLoader> loader, WeakReference<Class<?>> type) {}
}
