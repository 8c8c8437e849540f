package dev.ringcache.bench.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.bench.shop.ConsistencyCheck.Counts;
import dev.ringcache.bench.shop.ConsistencyCheck.Outcome;
import dev.ringcache.bench.shop.ConsistencyCheck.Write;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistencyCheckTest {
  private final ConsistencyCheck check = new ConsistencyCheck();

  private Write committed(String register, String value) {
    Write w = check.begin(register, value);
    check.end(List.of(w), Outcome.COMMITTED);
    return w;
  }

  @Test
  void read_ofTheLatestCommittedValue_isCorrect() {
    check.initial("stock:1", "initial|10");
    committed("stock:1", "a|9");
    long invoke = check.now();
    check.read("stock:1", "a|9", invoke);

    assertThat(check.counts().violations()).isZero();
    assertThat(check.counts().readsChecked()).isEqualTo(1);
  }

  @Test
  void read_ofAValueOverwrittenBeforeTheReadBegan_isStale() {
    check.initial("stock:1", "initial|10");
    committed("stock:1", "a|9");
    long invoke = check.now();
    check.read("stock:1", "initial|10", invoke);

    Counts counts = check.counts();
    assertThat(counts.stale()).isEqualTo(1);
    assertThat(counts.dirty()).isZero();
    assertThat(counts.examples()).singleElement().asString().startsWith("stale: ")
        .contains("stock:1", "initial|10", "a|9");
  }

  @Test
  void read_ofAnOlderValue_whileTheNewerIsStillCommitting_isCorrect() {
    check.initial("stock:1", "initial|10");
    Write w = check.begin("stock:1", "a|9");
    long invoke = check.now();
    check.read("stock:1", "initial|10", invoke); // the commit has not returned: either is right
    check.end(List.of(w), Outcome.COMMITTED);

    assertThat(check.counts().violations()).isZero();
  }

  @Test
  void read_thatBeganBeforeTheCommitReturned_mayReturnTheOldValue() {
    check.initial("stock:1", "initial|10");
    Write w = check.begin("stock:1", "a|9");
    long invoke = check.now();
    check.end(List.of(w), Outcome.COMMITTED);
    check.read("stock:1", "initial|10", invoke);

    assertThat(check.counts().violations()).isZero();
  }

  @Test
  void read_ofARolledBackValue_isDirty() {
    check.initial("product:7", "initial|9.99");
    Write w = check.begin("product:7", "s0t1.5|8.99");
    check.end(List.of(w), Outcome.ROLLED_BACK);
    check.read("product:7", "s0t1.5|8.99", check.now());

    Counts counts = check.counts();
    assertThat(counts.dirty()).isEqualTo(1);
    assertThat(counts.stale()).isZero();
    assertThat(counts.writesRolledBack()).isEqualTo(1);
    assertThat(counts.examples()).singleElement().asString().startsWith("dirty: ");
  }

  @Test
  void read_ofAValueWhoseTransactionThenFails_isDirty() {
    check.initial("product:7", "initial|9.99");
    Write w = check.begin("product:7", "s0t1.5|8.99");
    check.read("product:7", "s0t1.5|8.99", check.now());
    assertThat(check.counts().dirty()).isZero(); // not decided until the write ends

    check.end(List.of(w), Outcome.FAILED);

    assertThat(check.counts().dirty()).isEqualTo(1);
  }

  @Test
  void read_ofAValueWhoseCommitThrew_isAccepted() {
    check.initial("product:7", "initial|9.99");
    Write w = check.begin("product:7", "s0t1.5|8.99");
    check.end(List.of(w), Outcome.INDETERMINATE);
    check.read("product:7", "s0t1.5|8.99", check.now());
    check.read("product:7", "initial|9.99", check.now()); // it may not have committed

    assertThat(check.counts().violations()).isZero();
  }

  @Test
  void read_ofAValueNoWriteProduced_isImpossible() {
    check.initial("customer:3", "initial|1 Main Street");
    check.read("customer:3", "initial|2 Main Street", check.now());

    assertThat(check.counts().impossible()).isEqualTo(1);
  }

  @Test
  void read_ofAnOrder_isAbsentUntilItsInsertCommits_andThenNeverAgain() {
    Write insert = check.begin("order:5", "lines=1,units=2,total=3.00");
    check.read("order:5", null, check.now()); // not committed yet: absent is right
    check.end(List.of(insert), Outcome.COMMITTED);
    check.read("order:5", "lines=1,units=2,total=3.00", check.now());
    assertThat(check.counts().violations()).isZero();

    check.read("order:5", null, check.now());

    assertThat(check.counts().stale()).isEqualTo(1);
  }

  @Test
  void read_ofAnOrderRolledBack_isDirty_andItsAbsenceIsCorrect() {
    Write insert = check.begin("order:6", "lines=2,units=2,total=5.00");
    check.end(List.of(insert), Outcome.ROLLED_BACK);
    check.read("order:6", null, check.now());
    assertThat(check.counts().violations()).isZero();

    check.read("order:6", "lines=2,units=2,total=5.00", check.now());

    assertThat(check.counts().dirty()).isEqualTo(1);
  }

  @Test
  void read_ofAValueOverwrittenOnlyByAnOverlappingWrite_isCorrect() {
    check.initial("customer:3", "initial|1 Main Street");
    Write first = check.begin("customer:3", "s0t0.1|2 Oak Street");
    Write second = check.begin("customer:3", "s1t1.1|3 Elm Street");
    check.end(List.of(first), Outcome.COMMITTED);
    check.end(List.of(second), Outcome.COMMITTED);
    // The two writes overlap: the database may have ordered either last.
    check.read("customer:3", "s0t0.1|2 Oak Street", check.now());
    check.read("customer:3", "s1t1.1|3 Elm Street", check.now());
    assertThat(check.counts().violations()).isZero();

    check.read("customer:3", "initial|1 Main Street", check.now());

    assertThat(check.counts().stale()).isEqualTo(1);
  }
}
