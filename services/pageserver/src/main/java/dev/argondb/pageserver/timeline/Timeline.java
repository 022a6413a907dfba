package dev.argondb.pageserver.timeline;

import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.index.WalIndex;
import dev.argondb.pageserver.index.WalIndexer;
import dev.argondb.pageserver.wal.WalSegmentFiles;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One timeline on local disk: {@code metadata.json}, its WAL ({@code wal/}), the WAL's index
 * ({@code index/}), its images ({@code images/}) and the safekeepers it follows ({@code following.json}).
 * A branch holds no data of its ancestor: reads below its start fall through to {@link #ancestor()}.
 */
public final class Timeline {
  static final String METADATA = "metadata.json";
  private static final String FOLLOWING = "following.json";
  static final String GC = "gc.json";

  private final TimelineMetadata metadata;
  private final Path dir;
  private final Timeline ancestor;
  private final WalSegmentFiles wal;
  private final WalIndex index;
  private final ImageStore images;
  private final WalIndexer indexer;
  private final LsnWaiters lsnWaiters;
  private final CreationJournal journal;
  private volatile List<SafekeeperRef> following;
  private volatile GcState gcState = GcState.NONE;
  /** Counts changes of what the remote index carries besides layers (snapshots, GC state). */
  private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

  private Timeline(TimelineMetadata metadata, Path dir, Timeline ancestor, WalSegmentFiles wal, WalIndex index,
                   ImageStore images, WalIndexer indexer, LsnWaiters lsnWaiters, CreationJournal journal,
                   List<SafekeeperRef> following) {
    this.metadata = metadata;
    this.dir = dir;
    this.ancestor = ancestor;
    this.wal = wal;
    this.index = index;
    this.images = images;
    this.indexer = indexer;
    this.lsnWaiters = lsnWaiters;
    this.journal = journal;
    this.following = following;
  }

  /** Opens a complete timeline directory (its ancestor opened first); drops index entries past the resume point. */
  static Timeline open(Path dir, Timeline ancestor, CreationJournal journal) throws IOException {
    TimelineMetadata metadata = TimelineMetadata.fromJson(
        new JsonObject(Files.readString(dir.resolve(METADATA), StandardCharsets.UTF_8)));
    WalSegmentFiles wal = new WalSegmentFiles(dir.resolve("wal"));
    WalIndex index = new WalIndex(dir.resolve("index"));
    long resume = index.load(metadata.startLsn());
    wal.deleteAfter(resume);
    ImageStore images = new ImageStore(dir.resolve("images"));
    images.load();
    LsnWaiters waiters = new LsnWaiters(resume);
    Timeline timeline = new Timeline(metadata, dir, ancestor, wal, index, images,
        new WalIndexer(wal, index, resume, waiters::advanced), waiters, journal, readFollowing(dir.resolve(FOLLOWING)));
    if (Files.exists(dir.resolve(GC))) {
      timeline.gcState = GcState.fromJson(new JsonObject(Files.readString(dir.resolve(GC), StandardCharsets.UTF_8)));
    }
    return timeline;
  }

  /** What GC last did: below its cutoff only its retained points are readable. */
  public GcState gcState() {
    return gcState;
  }

  /** Saves what GC is about to do; called before it deletes anything, so no reader is let in below the cutoff. */
  public void setGcState(GcState state) throws IOException {
    makeCreationDurable();
    DurableFiles.write(dir.resolve(GC), state.toJson().encode());
    gcState = state;
    noteChange();
  }

  /**
   * Call before writing into this timeline's directory: a new branch's directory becomes durable in the
   * background ({@link CreationJournal}), and what is written into it must not outlast it. Blocking; cheap once
   * done.
   */
  public void makeCreationDurable() throws IOException {
    journal.makeDurable(tenantId(), timelineId());
  }

  /** Something the remote index carries besides layers changed (a snapshot): the next upload pass writes it. */
  public void noteChange() {
    changes.incrementAndGet();
  }

  public long changes() {
    return changes.get();
  }

  public TimelineMetadata metadata() {
    return metadata;
  }

  public String tenantId() {
    return metadata.tenantId();
  }

  public String timelineId() {
    return metadata.timelineId();
  }

  public Timeline ancestor() {
    return ancestor;
  }

  public long startLsn() {
    return metadata.startLsn();
  }

  public long lastRecordLsn() {
    return indexer.lastRecordLsn();
  }

  public WalSegmentFiles wal() {
    return wal;
  }

  public WalIndex index() {
    return index;
  }

  public WalIndexer indexer() {
    return indexer;
  }

  /** Requests waiting for ingest to reach an LSN (basebackups asked for WAL not ingested yet). */
  public LsnWaiters lsnWaiters() {
    return lsnWaiters;
  }

  public ImageStore images() {
    return images;
  }

  public Path dir() {
    return dir;
  }

  public List<SafekeeperRef> following() {
    return following;
  }

  /** Saves the safekeepers to follow, so a restarted pageserver resumes ingest by itself. Blocking. */
  public void setFollowing(List<SafekeeperRef> safekeepers) throws IOException {
    makeCreationDurable(); // ingest, and with it everything else this timeline holds, starts from here
    JsonArray list = new JsonArray();
    for (SafekeeperRef sk : safekeepers) {
      list.add(new JsonObject().put("id", sk.id()).put("host", sk.host()).put("grpc_port", sk.grpcPort()));
    }
    DurableFiles.write(dir.resolve(FOLLOWING), list.encode());
    following = List.copyOf(safekeepers);
  }

  /** True if a WAL record of this timeline ends exactly at {@code lsn} (or it is the timeline's start). Blocking. */
  public boolean isRecordBoundary(long lsn) throws IOException {
    if (lsn == startLsn() || lsn == lastRecordLsn()) {
      return true; // the newest record's end is one without looking it up (branches at the current end)
    }
    return Lsn.compare(lsn, startLsn()) > 0 && Lsn.compare(lsn, lastRecordLsn()) <= 0
        && index.boundaries().contains(lsn);
  }

  /**
   * Checks that a compute or a branch may start at {@code lsn}: {@link #checkReadable readable}, and a record
   * boundary. Blocking.
   */
  public void checkStartable(long lsn) throws IOException {
    checkReadable(lsn);
    // A retained point was a record boundary when it was taken; after a rebuild the WAL index may start above it.
    if (!gcState.retained().contains(lsn) && !isRecordBoundary(lsn)) {
      throw dev.argondb.pageserver.PageserverException.badRequest("LSN " + Lsn.format(lsn)
          + " is not a WAL record boundary of timeline " + tenantId() + "/" + timelineId());
    }
  }

  /**
   * Checks that the timeline holds its data at {@code lsn}: not below the start, not beyond the ingested end
   * (out of range), not garbage-collected (a bad request). In memory: for the event loop too.
   */
  public void checkReadable(long lsn) {
    String name = tenantId() + "/" + timelineId();
    if (Lsn.compare(lsn, startLsn()) < 0) {
      throw dev.argondb.pageserver.PageserverException.outOfRange("LSN " + Lsn.format(lsn) + " is below the start "
          + Lsn.format(startLsn()) + " of timeline " + name
          + (metadata.isBranch() ? " (a branch starts at its ancestor LSN)" : ""));
    }
    if (Lsn.compare(lsn, lastRecordLsn()) > 0) {
      throw dev.argondb.pageserver.PageserverException.outOfRange("LSN " + Lsn.format(lsn)
          + " is beyond the ingested end " + Lsn.format(lastRecordLsn()) + " of timeline " + name);
    }
    GcState gc = gcState;
    if (!gc.readable(lsn)) {
      throw dev.argondb.pageserver.PageserverException.badRequest("LSN " + Lsn.format(lsn)
          + " is below the GC cutoff " + Lsn.format(gc.cutoffLsn()) + " of timeline " + name
          + ": its history there was garbage-collected (the tenant's PITR window is shorter)");
    }
  }

  public PageserverTimelineInfo info() {
    return new PageserverTimelineInfo(tenantId(), timelineId(), metadata.ancestorTimelineId(), metadata.ancestorLsn(),
        startLsn(), lastRecordLsn(), images.all().stream().map(Image::lsn).toList(), following);
  }

  public void close() throws IOException {
    indexer.sync();
    wal.close();
    index.close();
  }

  private static List<SafekeeperRef> readFollowing(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonArray list = new JsonArray(Files.readString(file, StandardCharsets.UTF_8));
    return list.stream().map(JsonObject.class::cast)
        .map(o -> new SafekeeperRef(o.getString("id"), o.getString("host"), o.getInteger("grpc_port")))
        .toList();
  }
}
