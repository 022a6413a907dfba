package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.stack.LocalStack;
import dev.argondb.cli.testing.TestLocalStack;
import dev.argondb.cli.testing.ConsoleCapture;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The issue's walkthrough (Neon's neon_local one) through the whole local stack: computes start from
 * pageserver basebackups, branches are copy-on-write at an LSN or a time, read-only endpoints are pinned
 * to an LSN, and a compute's local directory is disposable.
 */
class BranchWalkthroughTest {
  private static TestLocalStack testStack;
  private static ArgonHome home;
  private static LocalStackSettings settings;
  private static LocalStack stack;
  private static ApiClient api;
  private static String tenant;

  @BeforeAll
  static void startStack() throws Exception {
    // Images roll forward every 4 MB of WAL, so a test's table reaches an image (lazy files come from images).
    testStack = TestLocalStack.start("branches", false, s -> s.withImageRollForwardBytes(4 << 20));
    home = testStack.home();
    settings = testStack.settings();
    stack = testStack.stack();
    api = new ApiClient(settings.controlPlaneUrl());
    assertEquals(0, ArgonCli.run("tenant", "create", "--set-default"));
    settings = home.readSettings();
    tenant = settings.defaultTenantId();
    assertEquals(0, ArgonCli.run("endpoint", "create", "main", "--branch-name", "main", "--suspend-timeout", "0"));
  }

  @AfterAll
  static void stopStack() {
    if (testStack != null) {
      testStack.close();
    }
  }

  @Test
  void branchesSeeTheirParentAtTheBranchPointAndNothingAfter() throws Exception {
    sql("main", "CREATE TABLE t(key int primary key, value text)", "INSERT INTO t VALUES (1, '1')");

    cli("timeline", "branch", "--branch-name", "migration_check");
    String tree = cli("timeline", "list");
    String ancestorLsn = timeline("migration_check").getString("ancestor_lsn");
    assertTrue(tree.contains("(L) main [" + timeline("main").getString("id") + "]"), tree);
    assertTrue(tree.contains("┗━ @" + ancestorLsn + ": migration_check [" + timeline("migration_check").getString("id")
        + "]"), tree);

    cli("endpoint", "create", "migration_check", "--branch-name", "migration_check");
    assertEquals(List.of("1"), values("migration_check"), "the branch sees the row committed before it");
    sql("migration_check", "INSERT INTO t VALUES (2, '2')");
    assertEquals(List.of("1", "2"), values("migration_check"));
    assertEquals(List.of("1"), values("main"), "the parent does not see the branch's write");

    sql("main", "INSERT INTO t VALUES (3, '3')");
    cli("endpoint", "create", "old", "--branch-name", "main", "--lsn", ancestorLsn);
    assertEquals(List.of("1"), values("old"), "a read-only endpoint sees its LSN only");
    SQLException refused = assertThrows(SQLException.class, () -> sql("old", "INSERT INTO t VALUES (9, '9')"));
    assertEquals("25006", refused.getSQLState(), "read-only transaction");
    assertEquals(List.of("1", "3"), values("main"));
  }

  @Test
  void aBranchOfABranchAtATimeBeforeTheParentsLaterWrites() throws Exception {
    sql("main", "CREATE TABLE timed(key int primary key)", "INSERT INTO timed VALUES (1)");
    cli("timeline", "branch", "--branch-name", "feature", "--ancestor-branch-name", "main");
    cli("endpoint", "create", "feature", "--branch-name", "feature");
    sql("feature", "INSERT INTO timed VALUES (2)");
    // The time given has whole seconds: the next one after commit 2, and commit 3 after it.
    OffsetDateTime between = OffsetDateTime.now(ZoneOffset.UTC).withNano(0).plusSeconds(1);
    while (!OffsetDateTime.now(ZoneOffset.UTC).isAfter(between.plusNanos(100_000_000))) {
      Thread.sleep(20);
    }
    sql("feature", "INSERT INTO timed VALUES (3)");

    String time = between.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + "+00";
    cli("timeline", "branch", "--branch-name", "feature_before_3", "--ancestor-branch-name", "feature",
        "--ancestor-start-time", time);
    cli("endpoint", "create", "feature_before_3", "--branch-name", "feature_before_3");
    assertEquals(List.of("1", "2"), column("feature_before_3", "SELECT key FROM timed ORDER BY key"));
    assertEquals(List.of("1", "2", "3"), column("feature", "SELECT key FROM timed ORDER BY key"));
    String tree = cli("timeline", "list");
    assertTrue(tree.contains("feature_before_3"), tree);
  }

  @Test
  void aBranchHoldsExactlyItsParentsDataAtTheBranchPoint() throws Exception {
    sql("main", "CREATE TABLE accounts(id int primary key, balance bigint, note text)",
        "INSERT INTO accounts SELECT g, g * 10, md5(g::text) FROM generate_series(1, 20000) g",
        "CREATE INDEX accounts_note ON accounts(note)");
    String atBranch = checksum("main", "accounts");
    cli("timeline", "branch", "--branch-name", "snapshot");
    sql("main", "UPDATE accounts SET balance = balance + 1 WHERE id % 7 = 0", "DELETE FROM accounts WHERE id > 19000");
    cli("endpoint", "create", "snapshot", "--branch-name", "snapshot");
    assertEquals(atBranch, checksum("snapshot", "accounts"));
    assertNotEquals(atBranch, checksum("main", "accounts"));
  }

  @Test
  void aSuspendedComputeWhoseDirectoryIsGoneWakesWithEveryCommittedRow() throws Exception {
    cli("timeline", "branch", "--branch-name", "stateless");
    cli("endpoint", "create", "stateless", "--branch-name", "stateless");
    sql("stateless", "CREATE TABLE kept(n int)", "INSERT INTO kept SELECT generate_series(1, 1000)");
    String before = checksum("stateless", "kept");
    cli("endpoint", "stop", "stateless");
    String id = api.get("/v1/endpoints/stateless").getString("id");
    PgFiles.deleteRecursively(home.computesDir().resolve("endpoints").resolve(id));
    assertEquals(before, checksum("stateless", "kept"), "woken from a basebackup with every committed row");
    sql("stateless", "INSERT INTO kept VALUES (1001)");
    cli("endpoint", "stop", "stateless");
    assertEquals(List.of("1001"), column("stateless", "SELECT count(*) FROM kept"),
        "woken again (from the kept directory or a basebackup) with the write made after the last wake");
  }

  /**
   * A cold start reads the relation files of at least 4 MB from the pageserver on demand (links into the
   * agent's FUSE mount) instead of copying them first; the compute reads, writes, truncates and checks them;
   * a suspend makes them whole local files again, and the data survives every kind of wake.
   */
  @Test
  void aColdStartReadsLargeRelationFilesOnDemandAndASuspendMakesThemWhole() throws Exception {
    cli("timeline", "branch", "--branch-name", "lazy");
    cli("endpoint", "create", "lazy", "--branch-name", "lazy");
    sql("lazy", "CREATE EXTENSION IF NOT EXISTS amcheck",
        "CREATE TABLE big(id int PRIMARY KEY, pad text)",
        "INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 200000) g",
        "CHECKPOINT"); // an image rolls forward only to a checkpoint
    awaitImageCaughtUp(timeline("lazy").getString("id"), 4 << 20); // a branch has no image of its own before
    String before = checksum("lazy", "big");
    cli("endpoint", "stop", "lazy");
    String id = api.get("/v1/endpoints/lazy").getString("id");
    Path endpointDir = home.computesDir().resolve("endpoints").resolve(id);
    PgFiles.deleteRecursively(endpointDir);

    assertEquals(before, checksum("lazy", "big"), "a cold start with lazy files reads every row");
    Path table = endpointDir.resolve("pgdata").resolve(column("lazy", "SELECT pg_relation_filepath('big')").get(0));
    assertTrue(java.nio.file.Files.isSymbolicLink(table), "the table's file is lazy: "
        + symbolicLinks(endpointDir.resolve("pgdata")));
    sql("lazy", "SELECT bt_index_check('big_pkey', true)",
        "UPDATE big SET pad = 'changed' WHERE id % 1000 = 0",
        "DELETE FROM big WHERE id > 150000", "VACUUM big"); // VACUUM truncates the table's tail
    String after = checksum("lazy", "big");
    assertEquals(List.of("150000"), column("lazy", "SELECT count(*) FROM big"));
    awaitLazyFilesLocal(id); // the background fetch completes them; a stop before would keep them served

    cli("endpoint", "stop", "lazy");
    assertEquals(List.of(), symbolicLinks(endpointDir.resolve("pgdata")), "a suspend makes lazy files whole");
    assertTrue(!java.nio.file.Files.exists(endpointDir.resolve("lazy")), "no backing files are left");
    assertEquals(after, checksum("lazy", "big"), "a warm wake from the kept directory");
    sql("lazy", "SELECT bt_index_check('big_pkey', true)");
    cli("endpoint", "stop", "lazy");
    PgFiles.deleteRecursively(endpointDir);
    assertEquals(after, checksum("lazy", "big"), "a second cold start");
    cli("endpoint", "stop", "lazy");
  }

  /** Waits until the agent reports every byte of the endpoint's lazy files local (at most a minute). */
  private static void awaitLazyFilesLocal(String endpointId) throws Exception {
    ApiClient agent = new ApiClient("http://127.0.0.1:" + settings.computeHttpPort());
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonObject status = null;
    while (System.nanoTime() < deadline) {
      for (Object entry : agent.get("/v1/computes").getJsonArray("computes")) {
        JsonObject compute = (JsonObject) entry;
        if (compute.getString("endpoint_id").equals(endpointId)) {
          status = compute;
        }
      }
      assertTrue(status != null && status.getLong("lazy_bytes") != null, "the agent serves lazy files: " + status);
      if (status.getLong("lazy_local_bytes").equals(status.getLong("lazy_bytes"))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("lazy files still not local after a minute: " + status);
  }

  /**
   * Waits until the timeline has an image of its own with less than {@code maxPastBytes} of WAL after its redo
   * point (so the image holds what was written and checkpointed before); at most a minute.
   */
  private static void awaitImageCaughtUp(String timelineId, long maxPastBytes) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build(); // no h2c upgrade attempt
    String label = "timeline=\"" + timelineId + "\"";
    long deadline = System.nanoTime() + 60_000_000_000L;
    double images = 0;
    double past = Double.MAX_VALUE;
    while (System.nanoTime() < deadline) {
      String metrics = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(settings.controlPlaneUrl() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      for (String line : metrics.split("\n")) {
        if (line.contains(label)) {
          double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          if (line.startsWith("argon_pageserver_images{")) {
            images = value;
          } else if (line.startsWith("argon_pageserver_wal_past_image_bytes{")) {
            past = value;
          }
        }
      }
      if (images >= 1 && past < maxPastBytes) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timeline " + timelineId + " has " + images + " image(s), " + past
        + " bytes of WAL past the newest, after a minute");
  }

  private static List<Path> symbolicLinks(Path dir) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(dir)) {
      return walk.filter(java.nio.file.Files::isSymbolicLink).toList();
    }
  }

  /** A branch deleted and made again under the same name is the ancestor of the next branch of that name. */
  @Test
  void aBranchOfANameMadeAgainStartsFromTheNewTimeline() throws Exception {
    cli("timeline", "branch", "--branch-name", "again");
    cli("timeline", "branch", "--branch-name", "again_child", "--ancestor-branch-name", "again");
    String firstId = timeline("again").getString("id");
    cli("timeline", "delete", "--branch-name", "again_child");
    cli("timeline", "delete", "--branch-name", "again");
    cli("timeline", "branch", "--branch-name", "again");
    cli("endpoint", "create", "again", "--branch-name", "again");
    sql("again", "CREATE TABLE made_again(n int)", "INSERT INTO made_again VALUES (42)");
    cli("endpoint", "stop", "again");

    cli("timeline", "branch", "--branch-name", "again_child", "--ancestor-branch-name", "again");
    JsonObject child = timeline("again_child");
    assertNotEquals(firstId, child.getString("ancestor_timeline_id"));
    assertEquals(timeline("again").getString("id"), child.getString("ancestor_timeline_id"));
    cli("endpoint", "create", "again_child", "--branch-name", "again_child");
    assertEquals(List.of("42"), column("again_child", "SELECT n FROM made_again"),
        "the branch holds the new timeline's committed row");
    cli("endpoint", "stop", "again_child");
  }

  @Test
  void badLsnsAndTimesAreRefusedAndNothingIsCreated() {
    assertCliFails("timeline", "branch", "--branch-name", "bad1", "--ancestor-start-lsn", "0/1");
    assertCliFails("timeline", "branch", "--branch-name", "bad2", "--ancestor-start-lsn", "FF/FFFFFF00");
    assertCliFails("timeline", "branch", "--branch-name", "bad3", "--ancestor-start-lsn", "not-an-lsn");
    assertCliFails("timeline", "branch", "--branch-name", "bad4", "--ancestor-start-time", "1999-01-01 00:00:00+00");
    assertCliFails("endpoint", "create", "bad5", "--branch-name", "main", "--lsn", "FF/FFFFFF00");
    String tree = cli("timeline", "list");
    for (String name : List.of("bad1", "bad2", "bad3", "bad4")) {
      assertTrue(!tree.contains(name), tree);
    }
    assertTrue(!cli("endpoint", "list").contains("bad5"));
  }

  @Test
  void snapshotsKeepAPointABranchStartsFromAndThePitrWindowIsATenantSetting() throws Exception {
    assertTrue(cli("tenant", "config", "--pitr-interval", "12h").contains("pitr_interval 12h"));
    assertCliFails("tenant", "config", "--pitr-interval", "soon");
    assertTrue(cli("tenant", "config").contains("pitr_interval 12h"), "a bad value changes nothing");

    sql("main", "CREATE TABLE snap_t(k int)", "INSERT INTO snap_t VALUES (1)");
    cli("snapshot", "create", "--name", "snap1");
    sql("main", "INSERT INTO snap_t VALUES (2)");
    assertCliFails("snapshot", "create", "--name", "snap1");
    assertCliFails("snapshot", "create", "--name", "bad name");
    String list = cli("snapshot", "list");
    assertTrue(list.contains("snap1") && list.contains("main") && !list.contains("bad name"), list);

    cli("timeline", "branch", "--branch-name", "from_snap1", "--snapshot", "snap1");
    cli("endpoint", "create", "from_snap1", "--branch-name", "from_snap1");
    assertEquals(List.of("1"), column("from_snap1", "SELECT count(*) FROM snap_t"), "the branch starts at the snapshot");
    assertCliFails("snapshot", "delete", "--name", "nope");
    cli("snapshot", "delete", "--name", "snap1");
    assertTrue(!cli("snapshot", "list").contains("snap1"));
  }

  // --- helpers ---

  private static String cli(String... args) {
    ConsoleCapture.Result result = ConsoleCapture.run(() -> ArgonCli.run(args));
    assertEquals(0, result.exitCode(), String.join(" ", args) + " failed: " + result.err());
    return result.out();
  }

  private static void assertCliFails(String... args) {
    ConsoleCapture.Result result = ConsoleCapture.run(() -> ArgonCli.run(args));
    assertNotEquals(0, result.exitCode(), String.join(" ", args) + " should fail");
    assertTrue(!result.err().isBlank() && result.err().strip().lines().count() <= 2,
        "a short error message, got: " + result.err());
  }

  private static JsonObject timeline(String name) {
    JsonArray list = api.get("/v1/tenants/" + tenant + "/timelines").getJsonArray("timelines");
    for (int i = 0; i < list.size(); i++) {
      if (name.equals(list.getJsonObject(i).getString("name"))) {
        return list.getJsonObject(i);
      }
    }
    throw new AssertionError("no timeline " + name + " in " + list.encodePrettily());
  }

  private static Connection connect(String endpoint) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.gatewayPort()
            + "/postgres?options=endpoint%3D" + endpoint + "&connectTimeout=60",
        LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
  }

  private static void sql(String endpoint, String... statements) throws SQLException {
    try (Connection c = connect(endpoint); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static List<String> column(String endpoint, String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = connect(endpoint); ResultSet rs = c.createStatement().executeQuery(query)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static List<String> values(String endpoint) throws SQLException {
    return column(endpoint, "SELECT value FROM t ORDER BY key");
  }

  /** An ordered checksum of every row (Debian's pg_dump 15 cannot dump a 17 server). */
  private static String checksum(String endpoint, String table) throws SQLException {
    return column(endpoint, "SELECT count(*) || ':' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM "
        + table + " x").get(0);
  }
}
