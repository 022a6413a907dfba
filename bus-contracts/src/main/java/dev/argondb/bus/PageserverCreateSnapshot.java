package dev.argondb.bus;

/**
 * Takes snapshot {@code name} of {@code timelineId} at {@code lsn} (0: the timeline's ingested end). Reply:
 * {@link PageserverSnapshot}; fails with {@link BusErrors#BAD_REQUEST} (bad name, an LSN that is not a record
 * boundary or is below the GC cutoff), {@link BusErrors#CONFLICT} (the name is taken) or
 * {@link BusErrors#NOT_FOUND} (unknown timeline). Nothing is stored when refused.
 */
public record PageserverCreateSnapshot(String tenantId, String timelineId, String name, long lsn) {}
