package dev.ringcache.api.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the server executables that local test servers run. Thread-safe. */
final class Executables {
  // Where package managers put them, in case a test runner's PATH is thinner than a shell's.
  private static final List<String> USUAL_DIRS =
      List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin");
  private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();

  private Executables() {}

  /**
   * The executable {@code name} on PATH.
   *
   * @throws IllegalStateException that says how to install it, if it is nowhere
   */
  static Path find(String name) {
    Path found = FOUND.get(name);
    if (found == null) {
      found = search(name);
      FOUND.put(name, found);
    }
    return found;
  }

  private static Path search(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    dirs.addAll(USUAL_DIRS);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      } catch (InvalidPathException e) {
        // a malformed PATH entry: look at the next one
      }
    }
    throw new IllegalStateException(name + " was not found on PATH (" + path + ") nor in "
        + USUAL_DIRS + ". The tests against real servers run redis-server and memcached as local"
        + " processes when no Docker engine answers: run ./run-tests, which installs them, or"
        + " `apt-get install redis-server memcached`.");
  }
}
