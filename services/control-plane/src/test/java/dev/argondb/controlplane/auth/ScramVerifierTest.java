package dev.argondb.controlplane.auth;

import dev.argondb.scram.ScramVerifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.controlplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramVerifierTest {

  @Test
  void hasPostgresFormatAndFreshSalt() {
    String first = ScramVerifier.generate("correct horse");
    String second = ScramVerifier.generate("correct horse");
    assertTrue(first.matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}="),
        first);
    assertEquals(16, ScramVerifier.parse(first).salt().length);
    assertNotEquals(first, second, "every verifier gets its own random salt");
    assertFalse(first.contains("correct horse"));
  }

  @Test
  void matchesOnlyItsPassword() {
    String verifier = ScramVerifier.generate("s3cret");
    assertTrue(ScramVerifier.matches(verifier, "s3cret"));
    assertFalse(ScramVerifier.matches(verifier, "s3creT"));
  }

  @Test
  void rejectsMalformedVerifiers() {
    String good = ScramVerifier.generate("pw");
    assertTrue(ScramVerifier.isValid(good));
    assertFalse(ScramVerifier.isValid("md5" + "0".repeat(32)));
    assertFalse(ScramVerifier.isValid("plaintext"));
    assertFalse(ScramVerifier.isValid(good.replace("SCRAM-SHA-256$4096", "SCRAM-SHA-256$0")));
    assertFalse(ScramVerifier.isValid(good.substring(0, good.length() - 8) + "AAAA"), "short ServerKey");
    assertFalse(ScramVerifier.isValid(good.replace(":", ";")));
    assertThrows(IllegalArgumentException.class, () -> ScramVerifier.generate(""));
  }

  @Test
  void preparesNonAsciiPasswordsLikeSaslPrep() {
    byte[] salt = new byte[16];
    // NFKC folds the "fi" ligature; a no-break space maps to a space; a soft hyphen maps to nothing.
    assertEquals(ScramVerifier.generate("fi x-y", salt, 4096),
        ScramVerifier.generate("\uFB01\u00A0x-\u00ADy", salt, 4096));
    // Pure ASCII is used as is, not normalized.
    assertNotEquals(ScramVerifier.generate("a b", salt, 4096), ScramVerifier.generate("a  b", salt, 4096));
  }

  /** Postgres hashes a plaintext password into a verifier; ours, from the same salt, must be identical. */
  @ParameterizedTest
  @ValueSource(strings = {"pencil", "correct horse battery staple", "p\u00E4ssw\u00F6rd\uFB01", "\u00A0space\u00AD"})
  void equalsTheVerifierPostgresComputes(String password) throws SQLException {
    String database = SharedPostgres.createDatabase();
    try (Connection conn = SharedPostgres.connect(database); Statement st = conn.createStatement()) {
      st.execute("SET password_encryption = 'scram-sha-256'");
      st.execute("CREATE ROLE server_made LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      String theirs;
      try (ResultSet rs = st.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = 'server_made'")) {
        rs.next();
        theirs = rs.getString(1);
      }
      st.execute("DROP ROLE server_made");
      ScramVerifier.Parts parts = ScramVerifier.parse(theirs);
      assertEquals(theirs, ScramVerifier.generate(password, parts.salt(), parts.iterations()));
    }
  }

  /** A role created with our verifier accepts the password over a real SCRAM login, and only it. */
  @ParameterizedTest
  @ValueSource(strings = {"login-pw-1", "gr\u00FC\u00DFe-\u65E5\u672C"})
  void realClientLogsInWithGeneratedVerifier(String password) throws SQLException {
    String database = SharedPostgres.createDatabase();
    String role = "app_" + Integer.toHexString(password.hashCode() & 0xffff);
    try (Connection admin = SharedPostgres.connect(database); Statement st = admin.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + ScramVerifier.generate(password) + "'");
    }
    String url = "jdbc:postgresql://127.0.0.1:" + SharedPostgres.instance().port() + "/" + database;
    try (Connection conn = DriverManager.getConnection(url, login(role, password));
         Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
      rs.next();
      assertEquals(role, rs.getString(1));
    }
    SQLException refused = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, login(role, password + "x")).close());
    assertTrue(refused.getMessage().contains("password authentication failed"), refused.getMessage());
  }

  private static Properties login(String user, String password) {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("sslmode", "disable");
    return props;
  }
}
