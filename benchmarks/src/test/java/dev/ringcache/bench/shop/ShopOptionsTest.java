package dev.ringcache.bench.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.ring.Placement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ShopOptionsTest {

  @Test
  void parse_noArguments_givesTheDefaults() {
    ShopOptions options = ShopOptions.parse();

    assertThat(options).isEqualTo(ShopOptions.defaults());
    assertThat(options.nodes()).isNull();
    assertThat(options.jdbcUrl()).isNull();
    assertThat(options.threads()).isEqualTo(4);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.warmUp(true)).isEqualTo(Duration.ofSeconds(20).dividedBy(3));
    assertThat(options.warmUp(false)).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void parse_everyOption_isRead_withASpaceOrAnEqualsSign() {
    ShopOptions options = ShopOptions.parse("--nodes", "redis://127.0.0.1:7000,local://x",
        "--jdbc-url=jdbc:postgresql://127.0.0.1:5432/test?user=postgres", "--threads", "8",
        "--duration=2m", "--placement", "ketama", "--report", "out/r", "--seed", "-7");

    assertThat(options).isEqualTo(new ShopOptions("redis://127.0.0.1:7000,local://x",
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres", 8, Duration.ofMinutes(2),
        Placement.KETAMA, Path.of("out/r"), -7));
    assertThat(options.warmUp(true)).isEqualTo(ShopOptions.MAX_FIRST_WARM_UP);
    assertThat(options.warmUp(false)).isEqualTo(ShopOptions.MAX_WARM_UP);
  }

  @Test
  void parse_help_returnsNull_whateverFollows() {
    assertThat(ShopOptions.parse("--help")).isNull();
    assertThat(ShopOptions.parse("--threads", "8", "-h", "--bogus")).isNull();
  }

  @Test
  void parse_unknownOption_namesItAndTheOptions() {
    assertThatThrownBy(() -> ShopOptions.parse("--thread", "8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option '--thread'")
        .hasMessageContaining("--threads");
  }

  @Test
  void parse_argumentThatIsNoOption_isRefused() {
    assertThatThrownBy(() -> ShopOptions.parse("30s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'30s'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--threads|1|a whole number from 2 to 256",
      "--threads|many|a whole number from 2 to 256",
      "--duration|30|a whole number and a unit",
      "--duration|0s|from 1s to 24h",
      "--duration|25h|from 1s to 24h",
      "--placement|RANDOM|one of DEFAULT, KETAMA, KETAMA_WEIGHTED, JEDIS",
      "--jdbc-url|postgres://x|a JDBC URL",
      "--seed|1.5|a whole number",
      "--nodes|' '|node URIs separated by commas"})
  void parse_badValue_namesTheOptionTheValueAndWhatIsAccepted(String option, String value,
      String accepted) {
    assertThatThrownBy(() -> ShopOptions.parse(option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(option + ": '" + value + "'")
        .hasMessageContaining(accepted);
  }

  @Test
  void parse_optionWithoutItsValue_saysWhatItNeeds() {
    assertThatThrownBy(() -> ShopOptions.parse("--duration"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--duration needs a value: a whole number and a unit (ms, s, m, h) from 1s "
            + "to 24h, e.g. 30s or 2m");
  }

  @Test
  void run_badOption_printsOneMessageAndExitsWith2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = ShopDemo.run(new String[] {"--threads", "0"}, print(out), print(err), false);

    assertThat(status).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("shop demo: --threads: '0' is not "
        + "accepted; a whole number from 2 to 256\nTry ./run-demo --help.\n");
  }

  @Test
  void run_help_printsTheHelpAndExitsWith0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status = ShopDemo.run(new String[] {"--help"}, print(out), print(out), false);

    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ShopOptions.HELP)
        .contains("--nodes", "--jdbc-url", "--threads", "--duration", "--placement", "--report",
            "--seed");
  }

  @Test
  void run_badNodeUri_isRefusedBeforeTheRun_withExit2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = ShopDemo.run(new String[] {"--nodes", "redis://:secret@127.0.0.1:notaport"},
        print(new ByteArrayOutputStream()), print(err), false);

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("shop demo: --nodes: ")
        .doesNotContain("secret");
  }

  @Test
  void splitNodes_keepsACommaThatStartsNoUri() {
    assertThat(ShopDemo.splitNodes("redis://a:1, memcached://b:2,local://c"))
        .containsExactly("redis://a:1", "memcached://b:2", "local://c");
    assertThat(ShopDemo.splitNodes("redis://:pa,ss@a:1,local://c"))
        .containsExactly("redis://:pa,ss@a:1", "local://c");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
