package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** Backend message {@code R}: the family of authentication requests, told apart by an int32 code. */
final class Authentication {
  private Authentication() {}

  static final byte TYPE = 'R';
  static final int OK = 0;
  static final int CLEARTEXT_PASSWORD = 3;
  static final int MD5_PASSWORD = 5;
  static final int SASL = 10;
  static final int SASL_CONTINUE = 11;
  static final int SASL_FINAL = 12;
  private static final int CODE_LENGTH = 4;

  static int code(Buffer body) {
    return body.getInt(0);
  }

  /** AuthenticationSASL: the mechanisms the server offers, NUL-terminated, ended by an empty one. */
  static List<String> mechanisms(Buffer body) {
    List<String> mechanisms = new ArrayList<>();
    int pos = CODE_LENGTH;
    int nul;
    while ((nul = Wire.nul(body, pos)) > pos) {
      mechanisms.add(Wire.cString(body, pos, nul));
      pos = nul + 1;
    }
    return mechanisms;
  }

  /** AuthenticationSASLContinue / SASLFinal: the SCRAM message after the code, as text. */
  static String saslData(Buffer body) {
    return body.getString(CODE_LENGTH, body.length(), "UTF-8");
  }
}
