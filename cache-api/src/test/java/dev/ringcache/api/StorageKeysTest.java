package dev.ringcache.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringcache.api.internal.LocalNodeProvider;
import dev.ringcache.api.spi.CacheNode;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The digest form of keys longer than a node accepts: a stored format, so a promise. */
class StorageKeysTest {

  @Test
  void storageKey_ofKeyThatFits_isTheCanonicalBytes() {
    CacheKey key = key("x".repeat(250 - 9)); // "n:r:-:t#S" is 9
    assertThat(key.length()).isEqualTo(250);
    try (CacheNode node = new LocalNodeProvider().open(NodeUri.parse("local://storage-keys"))) {
      byte[] bytes = key.bytes();
      assertThat(StorageKeys.storageKey(node, bytes)).isSameAs(bytes);
      assertThat(StorageKeys.digested(node, key.bytes())).isFalse();
      byte[] tooLong = key("x".repeat(5000)).bytes();
      assertThat(StorageKeys.digested(node, tooLong)).isTrue();
      assertThat(StorageKeys.storageKey(node, tooLong)).hasSizeLessThan(120);
    }
  }

  @Test
  void storageKey_goldenDigestForm_neverChanges() {
    // Digest forms are stored keys: a promise like the canonical form. The SHA-256 was computed
    // independently (Python hashlib) over the canonical text.
    CacheKey key = CacheKey.of(
        "shop", "com.example.Document", null, "com.example.Document", "x".repeat(300));
    assertThat(key.length()).isEqualTo(350);
    assertThat(new String(StorageKeys.digestForm(key.bytes(), 250), US_ASCII)).isEqualTo(
        "shop:com.example.Document:-:com.example.Document#S" + "x".repeat(14)
            + "#sha256:62M0_FLQ4eFZviUylNR79gDYGdFlXhjAsHWvEoqYAm4");
    assertThat(new String(StorageKeys.digestForm(key.bytes(), 100), US_ASCII)).isEqualTo(
        "shop:com.example.Document:-:com.example.Document#"
            + "#sha256:62M0_FLQ4eFZviUylNR79gDYGdFlXhjAsHWvEoqYAm4");
  }

  @Test
  void storageKey_digestForms_fitTheLimit_stayPrintable_andNeverPassForCanonicalKeys()
      throws Exception {
    Random random = new Random(99);
    for (int maxLength : new int[] {100, 101, 150, 250, 1000}) {
      for (int i = 0; i < 300; i++) {
        CacheKey key = key(randomLongString(random, maxLength));
        if (key.length() <= maxLength) {
          continue;
        }
        byte[] stored = StorageKeys.digestForm(key.bytes(), maxLength);
        assertThat(stored.length).isLessThanOrEqualTo(maxLength);
        String text = new String(stored, US_ASCII);
        for (char c : text.toCharArray()) {
          assertThat(c).isBetween('!', '~');
        }
        String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(key.bytes()));
        assertThat(text).endsWith("#sha256:" + digest);
        assertThat(key.toString()).startsWith(text.substring(0, text.length() - 51));
        // A canonical key never has a ':' after its '#'; a digest form always has.
        assertThat(text.substring(text.lastIndexOf('#'))).contains(":");
      }
    }
  }

  @Test
  void storageKey_keysSharingTheirPrefix_getDistinctDigestForms() {
    String common = "y".repeat(300);
    assertThat(StorageKeys.digestForm(key(common + "a").bytes(), 250))
        .isNotEqualTo(StorageKeys.digestForm(key(common + "b").bytes(), 250));
  }

  @Test
  void digestForm_ofKeyWithBytesOutsidePrintableAscii_isPrintable_andKeepsItsDigest() {
    byte[] raw = "a b\n\u00e9c".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(new String(StorageKeys.digestForm(raw, 250), US_ASCII))
        .startsWith("a_b___c#sha256:").hasSize(7 + 8 + 43);
    assertThat(StorageKeys.digestForm(raw, 250))
        .isNotEqualTo(StorageKeys.digestForm("a_b___c".getBytes(US_ASCII), 250));
  }

  @Test
  void storageKey_limitBelowTheMinimum_isRefused() {
    byte[] tooLong = key("x".repeat(200)).bytes();
    assertThatThrownBy(() -> StorageKeys.digestForm(tooLong, 99))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 100 bytes").hasMessageContaining("was 99");
  }

  private static CacheKey key(Object id) {
    return CacheKey.of("n", "r", null, "t", id);
  }

  private static String randomLongString(Random random, int maxLength) {
    int length = maxLength - 40 + random.nextInt(80);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(random.nextInt(10) == 0 ? (char) (0xA0 + random.nextInt(0x100))
          : (char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }
}
