package dev.argondb.bus;

/** Outcome of {@link SyncComputeRoles}: {@code applied} false when the compute was not running (nothing to do). */
public record ComputeRolesSynced(String endpointId, boolean applied) {}
