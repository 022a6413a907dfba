package dev.argondb.gateway;

import java.util.Locale;

/** How a client connection ended up; the {@code outcome} tag of {@code argon_gateway_connections_total}. */
public enum ConnectionOutcome {
  /** Relayed to a compute (counted when the relay starts). */
  RELAYED,
  /** Garbage or a malformed startup packet. */
  PROTOCOL_ERROR,
  /** No startup message before the startup timeout. */
  STARTUP_TIMEOUT,
  /** The named endpoint does not exist, or none was named and there is no default. */
  UNKNOWN_ENDPOINT,
  /** The control plane could not wake the endpoint (error, timeout, unreachable). */
  WAKE_FAILED,
  /** The endpoint woke but its compute refused the TCP connection. */
  COMPUTE_UNREACHABLE,
  /** Wrong password or unknown role (FATAL 28P01). */
  AUTH_FAILED,
  /** A non-loopback client without TLS while TLS is required. */
  TLS_REQUIRED,
  /** The endpoint is at the gateway's per-endpoint connection limit (FATAL 53300). */
  TOO_MANY_CONNECTIONS,
  /** A cancel request (forwarded, or dropped for an unknown key). */
  CANCEL,
  /** The client left before any of the above was decided (e.g. after the SSL refusal). */
  ABANDONED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
