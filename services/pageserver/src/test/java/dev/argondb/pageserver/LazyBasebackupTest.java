package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcClient;
import dev.argondb.bus.grpc.PagesRequest;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import io.vertx.core.Promise;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Lazy basebackups and GetPages against a real timeline: a table of a few MB written by a real compute, ingested
 * through real safekeepers and rolled forward into a delta image, so page reads go through a chain of two images.
 * One timeline for all the tests (they only read it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LazyBasebackupTest {
  private static final String TENANT = StorageBench.TENANT;
  private static final String MAIN = StorageBench.MAIN;
  private static final long TIMEOUT = 60_000;
  private static final long LAZY_MIN_BYTES = 64 << 10;
  private static final int PAGE = 8192;
  private static final int PIECE = 1 << 20;
  /** pageserver.proto's name, spelled out here so a renamed constant fails the test. */
  private static final String LAZY_SIZE = "ARGON.lazy_size";
  private static final Pattern RELATION_DATA = Pattern.compile("(base/\\d+|global)/\\d+(_(fsm|vm))?(\\.\\d+)?");

  private StorageBench bench;
  private GrpcClient grpc;
  /** A commit end past the delta image: both basebackups and every page read are at it. */
  private long lsn;
  private long startLsn;
  /** The table's main fork, a few MB. */
  private String tableFile;

  @BeforeAll
  void setUp() throws Exception {
    bench = StorageBench.open("argon-lazy-basebackup-", TIMEOUT);
    // A 1 MiB piece is over the client's default maximum message size (256 KB), as it is for a compute.
    grpc = GrpcClient.client(bench.vertx(), new GrpcClientOptions().setMaxMessageSize(PIECE + 1024));
    List<SafekeeperRef> safekeepers = bench.deploySafekeepers(SafekeeperConfig.DEFAULT_WAL_RETENTION_MARGIN_BYTES);
    // Images are rolled forward on demand only, so the test knows which image the reads go through.
    bench.deployPageserver(PageserverConfig.defaults(bench.path("pageserver"), 0)
        .withRedo(1 << 20, 1, 3_600_000));
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class);
    startLsn = main.startLsn();
    TestCompute primary = bench.startCompute(MAIN, 0);
    bench.streamToSafekeepers(primary, startLsn, safekeepers);
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);

    primary.execute("CREATE TABLE t(key int primary key, value text);"
        + "INSERT INTO t SELECT g, repeat('v', 200) || g FROM generate_series(1, 15000) g;");
    primary.execute("CHECKPOINT");
    tableFile = primary.queryString("SELECT pg_relation_filepath('t')");
    bench.awaitIngested(MAIN, currentLsn(primary));
    assertEquals(1, bench.pageserver().reconstruction().checkNow().await().size(), "a delta image holds the table");
    primary.execute("INSERT INTO t VALUES (0, 'after the image')");
    lsn = currentLsn(primary);
    bench.awaitIngested(MAIN, lsn);
  }

  @AfterAll
  void tearDown() throws Exception {
    bench.close();
  }

  @Test
  void largeRelationFilesAreSentAsTheirSizeAndGetPagesReadsTheirBytes() throws Exception {
    Map<String, Entry> full = basebackup(0);
    Map<String, Entry> lazy = basebackup(LAZY_MIN_BYTES);
    assertEquals(full.keySet(), lazy.keySet(), "the same entries, lazy or not");
    assertTrue(full.get(tableFile).bytes().length > 3 << 20, "the table is a few MB: " + full.get(tableFile));

    double served = counter("argon_pageserver_getpages_requests_total", "status", "OK");
    double servedBytes = counter("argon_pageserver_getpages_bytes_total");
    int lazyFiles = 0;
    long lazyBytes = 0;
    int requests = 0;
    for (Entry entry : lazy.values()) {
      byte[] whole = full.get(entry.name()).bytes();
      boolean expectLazy = RELATION_DATA.matcher(entry.name()).matches() && whole.length >= LAZY_MIN_BYTES;
      if (!expectLazy) {
        assertNull(entry.lazySize(), entry.name() + " is sent whole");
        assertArrayEquals(whole, entry.bytes(), entry.name() + " is the same as in the full basebackup");
        continue;
      }
      assertEquals(String.valueOf(whole.length), entry.lazySize(), entry.name() + " carries its size");
      assertEquals(0, entry.tarSize(), entry.name() + " has no bytes in the tar");
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      for (long offset = 0; offset < whole.length; offset += PIECE) {
        Reply reply = getPages(MAIN, lsn, entry.name(), offset, PIECE);
        assertEquals(GrpcStatus.OK, reply.status(), reply.message());
        assertEquals(Math.min(PIECE, whole.length - offset), reply.data().length, entry.name() + " at " + offset);
        read.writeBytes(reply.data());
        requests++;
      }
      assertArrayEquals(whole, read.toByteArray(), entry.name() + " read with GetPages");
      lazyFiles++;
      lazyBytes += whole.length;
    }
    assertTrue(lazy.get(tableFile).lazySize() != null, "the table is lazy");
    assertNull(lazy.get("global/pg_control").lazySize());
    assertArrayEquals(full.get("global/pg_control").bytes(), lazy.get("global/pg_control").bytes(),
        "pg_control rewritten the same way");
    assertTrue(lazyFiles > 10, "catalogs of initdb are lazy too: " + lazyFiles);
    assertEquals(served + requests, counter("argon_pageserver_getpages_requests_total", "status", "OK"));
    assertEquals(servedBytes + lazyBytes, counter("argon_pageserver_getpages_bytes_total"));
    String metrics = bench.registry().scrape();
    assertTrue(metrics.contains("argon_pageserver_getpages_duration_seconds_count"), metrics);
  }

  @Test
  void getPagesRefusesWhatItCannotServeAndSaysWhy() {
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "offset 100 is not a multiple of 8192",
        getPages(MAIN, lsn, tableFile, 100, PAGE));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "length 0", getPages(MAIN, lsn, tableFile, 0, 0));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "length " + (PIECE + PAGE),
        getPages(MAIN, lsn, tableFile, 0, PIECE + PAGE));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "length 100", getPages(MAIN, lsn, tableFile, 0, 100));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "not a plain relative path",
        getPages(MAIN, lsn, "base/../" + tableFile, 0, PAGE));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "not a relative path", getPages(MAIN, lsn, "/" + tableFile, 0, PAGE));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "not a relative path", getPages(MAIN, lsn, "", 0, PAGE));
    assertRefused(GrpcStatus.INVALID_ARGUMENT, "lsn 0", getPages(MAIN, 0, tableFile, 0, PAGE));
    assertRefused(GrpcStatus.NOT_FOUND, "no file base/5/999999", getPages(MAIN, lsn, "base/5/999999", 0, PAGE));
    assertRefused(GrpcStatus.NOT_FOUND, "no timeline",
        getPages("33333333333333333333333333333333", lsn, tableFile, 0, PAGE));
    long end = bench.info(MAIN).lastRecordLsn();
    assertRefused(GrpcStatus.OUT_OF_RANGE, "beyond the ingested end",
        getPages(MAIN, end + (64L << 20), tableFile, 0, PAGE));
    assertRefused(GrpcStatus.OUT_OF_RANGE, "below the start", getPages(MAIN, startLsn - 8, tableFile, 0, PAGE));
    assertTrue(counter("argon_pageserver_getpages_requests_total", "status", "NOT_FOUND") >= 2);
  }

  @Test
  void aReadAtOrPastTheEndOfAFileIsEmptyAndOneAcrossItGetsTheTail() throws Exception {
    byte[] table = basebackup(0).get(tableFile).bytes();
    int size = table.length;
    assertEquals(0, getPages(MAIN, lsn, tableFile, size, PAGE).data().length, "at the end");
    assertEquals(0, getPages(MAIN, lsn, tableFile, size + 10L * PAGE, PIECE).data().length, "past the end");
    Reply tail = getPages(MAIN, lsn, tableFile, size - 2 * PAGE, 8 * PAGE);
    assertEquals(GrpcStatus.OK, tail.status(), tail.message());
    assertArrayEquals(Arrays.copyOfRange(table, size - 2 * PAGE, size), tail.data(), "the last two pages");
    Reply middle = getPages(MAIN, lsn, tableFile, 3 * PAGE, 2 * PAGE);
    assertArrayEquals(Arrays.copyOfRange(table, 3 * PAGE, 5 * PAGE), middle.data(), "exactly the length asked");
  }

  /** One entry of a basebackup's tar. */
  private record Entry(String name, long tarSize, String lazySize, byte[] bytes) {}

  /** The reply to a GetPages request: its status and message, and the bytes of an OK one. */
  private record Reply(GrpcStatus status, String message, byte[] data) {}

  private static void assertRefused(GrpcStatus status, String reason, Reply reply) {
    assertEquals(status, reply.status(), reply.message());
    assertTrue(String.valueOf(reply.message()).contains(reason), "says '" + reason + "': " + reply.message());
  }

  /** The basebackup at {@link #lsn}, by entry name. */
  private Map<String, Entry> basebackup(long lazyMinBytes) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    Promise<Long> done = Promise.promise();
    bench.vertx().runOnContext(v -> grpc.request(address(), PageserverGrpcClient.GetBasebackup)
        .compose(call -> call.send(BasebackupRequest.newBuilder().setTenantId(TENANT).setTimelineId(MAIN).setLsn(lsn)
            .setLazyMinBytes(lazyMinBytes).build()))
        .onFailure(done::fail)
        .onSuccess(response -> {
          long[] at = new long[1];
          response.handler(chunk -> {
            at[0] = chunk.getLsn();
            tar.writeBytes(chunk.getData().toByteArray());
          });
          response.exceptionHandler(done::tryFail);
          response.endHandler(end -> done.tryComplete(at[0]));
        }));
    assertEquals(lsn, done.future().await(), "the basebackup is at the LSN asked");
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (entry.isFile()) {
          entries.put(entry.getName(), new Entry(entry.getName(), entry.getSize(),
              entry.getExtraPaxHeader(LAZY_SIZE), in.readAllBytes()));
        }
      }
    }
    return entries;
  }

  /**
   * A unary call made on an event loop: there the response's handlers are set before it can end (set from the test's
   * thread, a fast reply could end first and the call never complete).
   */
  private Reply getPages(String timeline, long at, String path, long offset, int length) {
    Promise<Reply> done = Promise.promise();
    bench.vertx().runOnContext(v -> grpc.request(address(), PageserverGrpcClient.GetPages)
        .compose(call -> call.send(PagesRequest.newBuilder().setTenantId(TENANT).setTimelineId(timeline).setLsn(at)
            .setPath(path).setOffset(offset).setLength(length).build()))
        .onFailure(done::fail)
        .onSuccess(response -> {
          ByteArrayOutputStream data = new ByteArrayOutputStream();
          response.handler(reply -> data.writeBytes(reply.getData().toByteArray()));
          // A refusal may end the call as an error: its status is what the test looks at either way.
          response.exceptionHandler(error -> {
            if (response.status() != null) {
              done.tryComplete(new Reply(response.status(), response.statusMessage(), null));
            } else {
              done.tryFail(error);
            }
          });
          response.endHandler(end -> done.tryComplete(new Reply(response.status(), response.statusMessage(),
              data.toByteArray())));
        }));
    return done.future().await();
  }

  private SocketAddress address() {
    return SocketAddress.inetSocketAddress(bench.pageserver().port(), bench.pageserver().host());
  }

  private double counter(String name, String... tags) {
    var counter = bench.registry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static long currentLsn(TestCompute compute) throws Exception {
    return Lsn.parse(compute.queryString("SELECT pg_current_wal_insert_lsn()::text"));
  }
}
