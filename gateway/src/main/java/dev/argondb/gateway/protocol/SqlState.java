package dev.argondb.gateway.protocol;

/** The SQLSTATE codes the gateway itself reports; everything else comes from the compute. */
public final class SqlState {
  private SqlState() {}

  /** The client broke the wire protocol (garbage, bad lengths, unknown codes). */
  public static final String PROTOCOL_VIOLATION = "08P01";
  /** The compute could not be reached after the endpoint woke. */
  public static final String CONNECTION_FAILURE = "08006";
  /** The named endpoint does not exist (Postgres uses it for "database does not exist"). */
  public static final String INVALID_CATALOG_NAME = "3D000";
  /** The endpoint exists but could not be woken now. */
  public static final String CANNOT_CONNECT_NOW = "57P03";
  /** The startup message names no user. */
  public static final String INVALID_AUTHORIZATION_SPECIFICATION = "28000";
  /** Wrong password (or unknown role: the two are indistinguishable on purpose). */
  public static final String INVALID_PASSWORD = "28P01";
  /** The endpoint already has as many connections through this gateway as allowed. */
  public static final String TOO_MANY_CONNECTIONS = "53300";
}
