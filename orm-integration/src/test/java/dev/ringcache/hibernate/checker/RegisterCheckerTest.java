package dev.ringcache.hibernate.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.hibernate.checker.History.Outcome;
import dev.ringcache.hibernate.checker.History.Read;
import dev.ringcache.hibernate.checker.History.Write;
import dev.ringcache.hibernate.checker.Violation.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link RegisterChecker} on small hand-made histories: what a read may return, and the kind
 * of each violation. Not thread-safe (JUnit makes one instance per test).
 */
class RegisterCheckerTest {
  private static final String KEY = "Row#1";
  private static final Write INITIAL = Write.initial(KEY, "init");

  private static Write write(String value, Outcome outcome, long invoke, long complete) {
    return new Write(KEY, value, outcome, invoke, complete, 0, 0);
  }

  private static Read read(String value, long invoke, long complete) {
    return new Read(KEY, value, invoke, complete, 1, 0);
  }

  private static List<Violation> check(List<Write> writes, Read... reads) {
    return RegisterChecker.check(new History(writes, List.of(reads)));
  }

  @Test
  void read_ofTheInitialValue_beforeAnyWrite_isAllowed() {
    assertThat(check(List.of(INITIAL), read("init", 1, 2))).isEmpty();
  }

  @Test
  void read_ofTheLatestCommittedValue_isAllowed() {
    Write a = write("a", Outcome.COMMITTED, 10, 20);
    assertThat(check(List.of(INITIAL, a), read("a", 30, 40))).isEmpty();
  }

  @Test
  void read_overlappingACommittedWrite_mayReturnTheValueBeforeOrAfter() {
    Write a = write("a", Outcome.COMMITTED, 10, 20);
    assertThat(check(List.of(INITIAL, a), read("init", 15, 25), read("a", 5, 12))).isEmpty();
  }

  @Test
  void read_ofAValueOverwrittenBeforeItBegan_isStale() {
    Write a = write("a", Outcome.COMMITTED, 10, 20);
    Write b = write("b", Outcome.COMMITTED, 30, 40);

    List<Violation> found = check(List.of(INITIAL, a, b), read("a", 50, 60), read("init", 21, 22));

    assertThat(found).extracting(Violation::kind).containsExactly(Kind.STALE, Kind.STALE);
    assertThat(found.get(0).read().value()).isEqualTo("init");
    assertThat(found.get(0).source()).isEqualTo(INITIAL);
    assertThat(found.get(0).newer()).isEqualTo(a);
    assertThat(found.get(1).source()).isEqualTo(a);
    assertThat(found.get(1).newer()).isEqualTo(b);
  }

  @Test
  void read_ofAWriteThatOverlapsTheLatestOne_isAllowed() {
    Write a = write("a", Outcome.COMMITTED, 10, 30);
    Write b = write("b", Outcome.COMMITTED, 20, 40);
    assertThat(check(List.of(INITIAL, a, b), read("a", 50, 60), read("b", 50, 60))).isEmpty();
  }

  @Test
  void read_ofAValueWhoseOverwriterOverlapsTheRead_isAllowed() {
    Write a = write("a", Outcome.COMMITTED, 10, 20);
    Write b = write("b", Outcome.COMMITTED, 30, 60);
    assertThat(check(List.of(INITIAL, a, b), read("a", 50, 70))).isEmpty();
  }

  @Test
  void read_ofARolledBackOrFailedWrite_isDirty_evenWhileItRuns() {
    Write rolledBack = write("r", Outcome.ROLLED_BACK, 10, 20);
    Write failed = write("f", Outcome.FAILED, 10, 20);

    List<Violation> found = check(List.of(INITIAL, rolledBack, failed), read("r", 12, 14),
        read("f", 30, 40));

    assertThat(found).extracting(Violation::kind).containsExactly(Kind.DIRTY, Kind.DIRTY);
    assertThat(found).extracting(Violation::source).containsExactly(rolledBack, failed);
  }

  @Test
  void read_ofAValueNeverWritten_orOfNoRow_isImpossible() {
    List<Violation> found = check(List.of(INITIAL), read("x", 1, 2), read(null, 3, 4));
    assertThat(found).extracting(Violation::kind).containsExactly(Kind.IMPOSSIBLE,
        Kind.IMPOSSIBLE);
    assertThat(found).extracting(Violation::source).containsOnlyNulls();
  }

  @Test
  void read_ofAWriteInvokedAfterTheReadCompleted_isImpossible() {
    Write later = write("a", Outcome.COMMITTED, 30, 40);
    assertThat(check(List.of(INITIAL, later), read("a", 10, 20)))
        .extracting(Violation::kind).containsExactly(Kind.IMPOSSIBLE);
  }

  @Test
  void indeterminateWrite_justifiesAnyLaterRead_butMakesNoValueStale() {
    Write unsure = write("u", Outcome.INDETERMINATE, 10, 20);
    assertThat(check(List.of(INITIAL, unsure), read("init", 30, 40), read("u", 1000, 1001),
        read("init", 2000, 2001))).isEmpty();
  }

  @Test
  void indeterminateWrite_doesNotJustifyAReadThatCompletedBeforeItBegan() {
    Write unsure = write("u", Outcome.INDETERMINATE, 10, 20);
    assertThat(check(List.of(INITIAL, unsure), read("u", 1, 5)))
        .extracting(Violation::kind).containsExactly(Kind.IMPOSSIBLE);
  }

  @Test
  void registers_areCheckedOneByOne() {
    Write other = new Write("Row#2", "a", Outcome.COMMITTED, 10, 20, 0, 0);
    Write initialOther = Write.initial("Row#2", "init2");
    List<Violation> found = RegisterChecker.check(new History(List.of(INITIAL, initialOther,
        other), List.of(read("init", 30, 40), new Read("Row#2", "init2", 30, 40, 1, 0))));
    assertThat(found).singleElement().satisfies(v -> {
      assertThat(v.kind()).isEqualTo(Kind.STALE);
      assertThat(v.read().register()).isEqualTo("Row#2");
    });
  }

  @Test
  void twoWritesOfOneValue_areRefused() {
    Write a = write("a", Outcome.COMMITTED, 10, 20);
    Write again = write("a", Outcome.COMMITTED, 30, 40);
    assertThatThrownBy(() -> check(List.of(INITIAL, a, again), read("a", 50, 60)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two writes");
  }
}
