package dev.argondb.safekeeper.replication;

/**
 * The answer to IDENTIFY_SYSTEM. {@code systemId} is the cluster's unique id (pg_control), the same
 * for every branch crash-recovered from one initdb; {@code xlogPos} is the server's current flush LSN;
 * {@code dbName} is null on a physical connection.
 */
public record SystemIdentity(long systemId, int timeline, long xlogPos, String dbName) {
  /** xlogPos formatted as Postgres prints it, e.g. {@code 0/16B5A50}. */
  public String xlogPosText() {
    return Lsns.format(xlogPos);
  }
}
