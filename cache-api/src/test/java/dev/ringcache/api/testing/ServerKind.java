package dev.ringcache.api.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What differs between the servers: executable, image, default arguments and the handshake that
 * tells the server is ready. Immutable and thread-safe.
 */
enum ServerKind {
  REDIS("redis", "redis-server", "redis:7-alpine", 6379) {
    @Override
    List<String> localCommand(Path executable, int port, Path dir, List<String> extraArgs) {
      // No persistence, so that a restart comes back empty; --dir keeps any file a test asks for
      // (an RDB, an ACL file) out of the working directory.
      List<String> command = new ArrayList<>(List.of(executable.toString(),
          "--port", Integer.toString(port), "--bind", LOOPBACK,
          "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
          "--dir", dir.toString()));
      command.addAll(extraArgs); // last: a later option overrides an earlier one
      return command;
    }

    @Override
    List<String> containerCommand(List<String> extraArgs) {
      List<String> command = new ArrayList<>(List.of("redis-server",
          "--save", "", "--appendonly", "no", "--protected-mode", "no"));
      command.addAll(extraArgs);
      return command;
    }

    @Override
    Readiness probe(String host, int port, List<String> extraArgs, Duration timeout)
        throws IOException {
      try (LineConnection connection = LineConnection.open(host, port, timeout)) {
        String reply = connection.send("PING");
        // With a password or ACL users the server is up but wants AUTH first: that is ready.
        boolean ready = reply.equals("+PONG") || reply.startsWith("-NOAUTH")
            || reply.startsWith("-NOPERM");
        return new Readiness(ready, "PING -> " + reply);
      }
    }
  },

  MEMCACHED("memcached", "memcached", "memcached:1.6-alpine", 11211) {
    @Override
    List<String> localCommand(Path executable, int port, Path dir, List<String> extraArgs) {
      List<String> command = new ArrayList<>(List.of(executable.toString(),
          "-l", LOOPBACK, "-p", Integer.toString(port), "-U", "0"));
      if (runningAsRoot() && !hasOption(extraArgs, "-u", "--user")) {
        command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
      }
      command.addAll(extraArgs);
      return command;
    }

    @Override
    List<String> containerCommand(List<String> extraArgs) {
      List<String> command = new ArrayList<>(List.of("memcached", "-U", "0"));
      command.addAll(extraArgs);
      return command;
    }

    @Override
    Readiness probe(String host, int port, List<String> extraArgs, Duration timeout)
        throws IOException {
      try (LineConnection connection = LineConnection.open(host, port, timeout)) {
        if (binaryOnly(extraArgs)) {
          return binaryVersion(connection);
        }
        String reply = connection.send("version");
        return new Readiness(reply.startsWith("VERSION "), "version -> " + reply);
      }
    }

    /** With SASL ({@code -S}) memcached speaks only the binary protocol. */
    private boolean binaryOnly(List<String> extraArgs) {
      if (hasOption(extraArgs, "-S", "--enable-sasl")) {
        return true;
      }
      for (int i = 0; i < extraArgs.size(); i++) {
        String arg = extraArgs.get(i);
        boolean next = i + 1 < extraArgs.size() && extraArgs.get(i + 1).equals("binary");
        if (arg.equals("--protocol=binary") || arg.equals("-Bbinary")
            || (arg.equals("-B") || arg.equals("--protocol")) && next) {
          return true;
        }
      }
      return false;
    }

    private Readiness binaryVersion(LineConnection connection) throws IOException {
      byte[] request = new byte[24];
      request[0] = (byte) 0x80; // request magic
      request[1] = 0x0b; // opcode: version
      connection.writeBytes(request);
      byte[] header = connection.readBytes(24);
      // Any binary response is an answer: without SASL authentication it is an error status.
      return new Readiness(header[0] == (byte) 0x81,
          "binary version -> header " + HexFormat.of().formatHex(header, 0, 8));
    }
  };

  static final String LOOPBACK = "127.0.0.1";

  private final String displayName;
  private final String executable;
  private final String image;
  private final int defaultPort;

  ServerKind(String displayName, String executable, String image, int defaultPort) {
    this.displayName = displayName;
    this.executable = executable;
    this.image = image;
    this.defaultPort = defaultPort;
  }

  /** The command line of a local process listening on {@code LOOPBACK:port}. */
  abstract List<String> localCommand(Path executable, int port, Path dir, List<String> extraArgs);

  /** The container command; the server listens on {@link #defaultPort()} inside it. */
  abstract List<String> containerCommand(List<String> extraArgs);

  /** One handshake with a deadline of {@code timeout}; an exception means no answer yet. */
  abstract Readiness probe(String host, int port, List<String> extraArgs, Duration timeout)
      throws IOException;

  /** {@code redis} or {@code memcached}: the URI scheme, and the prefix of log file names. */
  String displayName() {
    return displayName;
  }

  String executable() {
    return executable;
  }

  String image() {
    return image;
  }

  int defaultPort() {
    return defaultPort;
  }

  String uri(String host, int port) {
    return displayName + "://" + host + ":" + port;
  }

  private static boolean runningAsRoot() {
    try {
      // The owner of /proc/self is the effective user of this process.
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static boolean hasOption(List<String> args, String shortName, String longName) {
    for (String arg : args) {
      if (arg.equals(shortName) || arg.equals(longName) || arg.startsWith(longName + "=")) {
        return true;
      }
    }
    return false;
  }

  /** The outcome of one handshake: {@code answer} says what the server said, for messages. */
  record Readiness(boolean ready, String answer) {}
}
