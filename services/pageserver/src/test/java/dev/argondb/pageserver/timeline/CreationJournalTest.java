package dev.argondb.pageserver.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The creation journal: a branch whose directory a crash lost comes back from its journal record; a branch
 * made durable by a checkpoint, or deleted, does not come back; a record is never read from a journal's earlier
 * use. A "crash" here is a new journal recovered from the same files, after removing what the lost directories
 * held.
 */
class CreationJournalTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String MAIN = "11111111111111111111111111111111";

  private final List<CreationJournal> opened = new ArrayList<>();
  private Path dataDir;
  private Timelines timelines;

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createTempDirectory("argon-creation-journal-");
    timelines = new Timelines(dataDir);
  }

  @AfterEach
  void tearDown() throws IOException {
    for (CreationJournal journal : opened) {
      journal.close();
    }
    PgFiles.deleteRecursively(dataDir);
  }

  /** Opens the journal as a (re)started pageserver does. */
  private CreationJournal recover() throws IOException {
    CreationJournal journal = CreationJournal.recover(dataDir, timelines);
    opened.add(journal);
    return journal;
  }

  @Test
  void aBranchWhoseDirectoryACrashLostComesBackFromTheJournal() throws IOException {
    CreationJournal journal = recover();
    TimelineMetadata branch = branch(2, 0x16F9A00L);
    Path dir = create(journal, branch);
    assertEquals(branch, read(dir));

    PgFiles.deleteRecursively(dir); // the directory never reached the disk
    recover();

    assertEquals(branch, read(dir), "the journaled creation is written back");
  }

  @Test
  void aTornMetadataFileIsWrittenAgain() throws IOException {
    CreationJournal journal = recover();
    TimelineMetadata branch = branch(3, 0x2000028L);
    Path dir = create(journal, branch);
    Files.writeString(dir.resolve(Timeline.METADATA), "{\"tenant_id\": \"0123"); // only part of it was written

    recover();

    assertEquals(branch, read(dir));
  }

  @Test
  void aCheckpointedCreationIsNoLongerJournaled() throws IOException {
    CreationJournal journal = recover();
    Path dir = create(journal, branch(4, 0x3000028L));
    journal.checkpoint();

    PgFiles.deleteRecursively(dir); // gone for another reason than a crash: not the journal's to bring back
    recover();

    assertFalse(Files.exists(dir));
  }

  @Test
  void aForgottenBranchIsNotBroughtBackByARecovery() throws IOException {
    CreationJournal journal = recover();
    TimelineMetadata kept = branch(5, 0x4000028L);
    TimelineMetadata deleted = branch(6, 0x4000028L);
    Path keptDir = create(journal, kept);
    Path deletedDir = create(journal, deleted);

    journal.forget(TENANT, deleted.timelineId()); // what a deletion does before removing the directory
    PgFiles.deleteRecursively(deletedDir);
    recover();

    assertFalse(Files.exists(deletedDir), "a deleted branch stays deleted");
    assertEquals(kept, read(keptDir));
  }

  @Test
  void recordsOfAnEarlierRoundAreNeverReadAgain() throws IOException {
    CreationJournal journal = recover();
    List<TimelineMetadata> earlier = List.of(branch(7, 0x5000028L), branch(8, 0x5000028L), branch(9, 0x5000028L));
    for (TimelineMetadata metadata : earlier) {
      create(journal, metadata);
    }
    journal.checkpoint(); // file A emptied
    journal.checkpoint(); // nothing in B: no-op
    create(journal, branch(10, 0x5000028L)); // B now
    journal.checkpoint(); // B emptied
    TimelineMetadata last = branch(11, 0x5000028L);
    Path lastDir = create(journal, last); // A again, over the first earlier record (the same length)

    for (TimelineMetadata metadata : earlier) {
      PgFiles.deleteRecursively(dirOf(metadata));
    }
    PgFiles.deleteRecursively(dirOf(branch(10, 0x5000028L)));
    PgFiles.deleteRecursively(lastDir);
    recover();

    assertEquals(last, read(lastDir));
    for (TimelineMetadata metadata : earlier) {
      assertFalse(Files.exists(dirOf(metadata)), "an emptied journal's records stay gone: " + metadata.timelineId());
    }
    assertFalse(Files.exists(dirOf(branch(10, 0x5000028L))));
  }

  @Test
  void aCreationMadeDurableAheadOfTheCheckpointStaysJournaledUntilIt() throws IOException {
    CreationJournal journal = recover();
    TimelineMetadata branch = branch(12, 0x7000028L);
    Path dir = create(journal, branch);
    journal.makeDurable(TENANT, branch.timelineId());

    // Still in the journal: a deletion now must checkpoint first, or a recovery would bring the branch back.
    journal.forget(TENANT, branch.timelineId());
    PgFiles.deleteRecursively(dir);
    recover();

    assertFalse(Files.exists(dir));
    assertTrue(Files.isDirectory(dir.getParent()), "the tenant's timelines directory stays");
  }

  private Path create(CreationJournal journal, TimelineMetadata metadata) throws IOException {
    Path dir = dirOf(metadata);
    journal.create(dir, metadata);
    return dir;
  }

  private Path dirOf(TimelineMetadata metadata) {
    return timelines.directoryOf(metadata.tenantId(), metadata.timelineId());
  }

  private static TimelineMetadata branch(int n, long lsn) {
    String id = String.format("%032x", n);
    return new TimelineMetadata(TENANT, id, MAIN, lsn, lsn);
  }

  private static TimelineMetadata read(Path dir) throws IOException {
    return TimelineMetadata.fromJson(new JsonObject(Files.readString(dir.resolve(Timeline.METADATA))));
  }
}
