package dev.argondb.scram;

import java.text.Normalizer;

/**
 * Password preparation as Postgres does it before hashing (src/common/saslprep.c, RFC 4013):
 * pure-ASCII passwords are used as they are; others get non-ASCII spaces mapped to a space, the
 * "mapped to nothing" characters removed and NFKC normalization, and a password that then contains a
 * prohibited character, or breaks the bidirectional rule, is used unprepared, exactly as Postgres and
 * client drivers (libpq, pgjdbc) do. A verifier must be built from the same bytes a client will hash.
 *
 * <p>Limitation: "unassigned code point" uses the JDK's Unicode tables, newer than the Unicode 3.2 of
 * stringprep, so a password with a character assigned after 3.2 is prepared here but used raw by Postgres.
 */
final class SaslPrep {
  private SaslPrep() {}

  static String prepare(String password) {
    if (password.chars().allMatch(c -> c < 0x80)) {
      return password;
    }
    StringBuilder mapped = new StringBuilder(password.length());
    password.codePoints().forEach(cp -> {
      if (isNonAsciiSpace(cp)) {
        mapped.append(' ');
      } else if (!isMappedToNothing(cp)) {
        mapped.appendCodePoint(cp);
      }
    });
    String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    if (normalized.codePoints().anyMatch(SaslPrep::isProhibited) || !passesBidiRule(normalized)) {
      return password;
    }
    return normalized;
  }

  /** RFC 3454 table C.1.2. */
  private static boolean isNonAsciiSpace(int cp) {
    return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /** RFC 3454 table B.1. */
  private static boolean isMappedToNothing(int cp) {
    return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
        || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
  }

  /** RFC 4013 section 2.3 (tables C.1.2, C.2.1–C.9) plus unassigned code points (A.1). */
  private static boolean isProhibited(int cp) {
    return isNonAsciiSpace(cp)
        || cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)                                       // C.2.1, C.2.2
        || cp == 0x06DD || cp == 0x070F || cp == 0x180E || cp == 0x200C || cp == 0x200D
        || cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2063) || cp == 0xFEFF
        || (cp >= 0x1D173 && cp <= 0x1D17A)
        || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)              // C.3
        || (cp >= 0x100000 && cp <= 0x10FFFD)
        || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE                          // C.4
        || (cp >= 0xD800 && cp <= 0xDFFF)                                                    // C.5
        || (cp >= 0xFFF9 && cp <= 0xFFFD)                                                    // C.6
        || (cp >= 0x2FF0 && cp <= 0x2FFB)                                                    // C.7
        || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F                       // C.8
        || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x206A && cp <= 0x206F)
        || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)                                 // C.9
        || Character.getType(cp) == Character.UNASSIGNED;
  }

  /** RFC 3454 section 6: right-to-left text may not mix with left-to-right and must start and end RTL. */
  private static boolean passesBidiRule(String s) {
    int[] cps = s.codePoints().toArray();
    boolean anyRtl = false;
    boolean anyLtr = false;
    for (int cp : cps) {
      anyRtl |= isRtl(cp);
      anyLtr |= Character.getDirectionality(cp) == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
    }
    if (!anyRtl) {
      return true;
    }
    return !anyLtr && isRtl(cps[0]) && isRtl(cps[cps.length - 1]);
  }

  private static boolean isRtl(int cp) {
    byte d = Character.getDirectionality(cp);
    return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
  }
}
