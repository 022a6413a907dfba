package dev.argondb.bus;

/**
 * How a compute recognizes the server connections a gateway keeps open between clients (its connection pool).
 * A parked connection runs with this {@code application_name}; the gateway resets it before handing the
 * connection to a client. Such an idle connection is no client: the compute agent's idle check does not count
 * it, so pooled connections never keep an endpoint from suspending (the suspend closes them).
 */
public final class PooledBackends {
  private PooledBackends() {}

  /** A valid identifier, so it can be SET without quoting rules beyond single quotes. */
  public static final String APPLICATION_NAME = "argon_gateway_pooled";
}
