/**
 * A non-blocking client for Postgres physical streaming replication on a Vert.x NetClient: the
 * safekeeper's WAL intake from a compute. Entry point: {@link
 * dev.argondb.safekeeper.replication.ReplicationClient#connect}. One class per wire message
 * (package-private); the public surface is ReplicationClient, ReplicationConnection,
 * ReplicationConnectOptions, ReplicationListener, SystemIdentity and the two exceptions.
 */
package dev.argondb.safekeeper.replication;
