package dev.argondb.bus;

import java.util.List;

/** A tenant's snapshots, by name. */
public record PageserverSnapshots(String tenantId, List<PageserverSnapshot> snapshots) {}
