package dev.argondb.pgformat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** pg_control of a real Postgres 17: layout, CRC, states, and the restart-as-crashed trick of DESIGN.md. */
class ControlFileTest {
  @Test
  void layoutMatchesPostgres17() {
    // sizeof(ControlFileData) must stay under PG_CONTROL_MAX_SAFE_SIZE; the CRC is its last field,
    // followed only by the padding that makes the struct a multiple of 8.
    assertTrue(ControlFile.LAYOUT.size() <= 512);
    assertEquals(8, ControlFile.LAYOUT.alignment());
    assertEquals(ControlFile.LAYOUT.size(), ControlFile.CRC_OFFSET + 4 + 4);
  }

  @Test
  void readsStatesRewritesAndRecoversAfterStateChange() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      Path dataDir = pg.process().dataDir();
      Path pgControl = dataDir.resolve("global/pg_control");
      long systemId;
      try (Connection c = PgTestServer.connect(pg.port())) {
        PgTestServer.execute(c, "CREATE TABLE kept (v text)");
        PgTestServer.execute(c, "INSERT INTO kept VALUES ('before stop')");
        systemId = Long.parseUnsignedLong(PgTestServer.query(c, "SELECT system_identifier FROM pg_control_system()"));
      }
      PgTestServer.stopCleanly(pg.process());

      ControlFile stopped = ControlFile.read(pgControl); // checks the CRC at the computed offset
      assertEquals(DbState.SHUTDOWNED, stopped.state());
      assertEquals(systemId, stopped.systemIdentifier());
      assertEquals(ControlFile.PG17_CONTROL_VERSION, stopped.controlVersion());
      assertEquals(WalSegments.SEGMENT_SIZE, stopped.walSegmentSize()); // fields after CheckPoint line up too
      assertEquals(Lsn.PAGE_SIZE, stopped.walPageSize());
      assertEquals(1, stopped.timeLineId());
      assertEquals(stopped.checkPoint(), stopped.redo()); // a shutdown checkpoint's redo is itself

      ControlFile crashed = stopped.withState(DbState.IN_PRODUCTION).withMinRecoveryPoint(0);
      ControlFile reread = ControlFile.parse(crashed.bytes());
      assertEquals(DbState.IN_PRODUCTION, reread.state());
      assertEquals(stopped.checkPoint(), reread.checkPoint());
      byte[] corrupt = crashed.bytes();
      corrupt[20] ^= 1;
      assertThrows(PgFormatException.class, () -> ControlFile.parse(corrupt));
      crashed.write(pgControl);
      assertArrayEquals(crashed.bytes(), Files.readAllBytes(pgControl));

      Path log = dataDir.resolveSibling("restart.log");
      PgProcess restarted = PgTestServer.restart(dataDir, log);
      try {
        assertTrue(Files.readString(log).contains(
            "database system was not properly shut down; automatic recovery in progress"), Files.readString(log));
        try (Connection c = PgTestServer.connect(restarted.port())) {
          assertEquals("before stop", PgTestServer.query(c, "SELECT v FROM kept"));
        }
      } finally {
        restarted.kill(); // SIGKILL while running: pg_control stays "in production"
        restarted.onExit().get();
      }
      assertEquals(DbState.IN_PRODUCTION, ControlFile.read(pgControl).state());
    }
  }
}
