package dev.argondb.bus;

/**
 * Where a compute's data directory comes from: a basebackup of its timeline at {@code lsn} from the
 * pageserver. {@code readOnly}: the compute starts as a hot standby paused at {@code lsn} (a read-only
 * endpoint pinned to a past LSN; no safekeepers follow it); otherwise it opens read-write at {@code lsn},
 * which is then the timeline's end elected from the safekeepers.
 */
public record BasebackupSource(PageserverRef pageserver, long lsn, boolean readOnly) {}
