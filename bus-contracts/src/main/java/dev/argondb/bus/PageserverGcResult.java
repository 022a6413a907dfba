package dev.argondb.bus;

/**
 * What one GC pass did: timelines looked at, images and whole WAL segments deleted locally, objects deleted from
 * remote storage (including orphans no index names), and the bytes freed locally and remotely.
 */
public record PageserverGcResult(int timelines, int imagesDeleted, int walSegmentsDeleted,
                                 int remoteObjectsDeleted, long freedLocalBytes, long freedRemoteBytes) {}
