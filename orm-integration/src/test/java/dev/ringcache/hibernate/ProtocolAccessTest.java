package dev.ringcache.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringcache.api.Lookup;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** Which entity versions the protocol may order. */
class ProtocolAccessTest {
  @Test
  void intAndLongVersions_areComparedAsTheyAre() {
    assertThat(ProtocolAccess.versionOf(7)).isEqualTo(7L);
    assertThat(ProtocolAccess.versionOf(-3L)).isEqualTo(-3L);
    assertThat(ProtocolAccess.versionOf(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void versionsWhoseOrderIsNotTheCommitOrder_countAsUnversioned() {
    // short and byte versions wrap around; timestamps come from each JVM's own clock
    assertThat(ProtocolAccess.versionOf((short) 32767)).isEqualTo(Lookup.NO_VERSION);
    assertThat(ProtocolAccess.versionOf((byte) 127)).isEqualTo(Lookup.NO_VERSION);
    assertThat(ProtocolAccess.versionOf(new Timestamp(1_700_000_000_000L)))
        .isEqualTo(Lookup.NO_VERSION);
    assertThat(ProtocolAccess.versionOf(Instant.EPOCH)).isEqualTo(Lookup.NO_VERSION);
    assertThat(ProtocolAccess.versionOf(LocalDateTime.MIN)).isEqualTo(Lookup.NO_VERSION);
    assertThat(ProtocolAccess.versionOf(null)).isEqualTo(Lookup.NO_VERSION);
  }
}
