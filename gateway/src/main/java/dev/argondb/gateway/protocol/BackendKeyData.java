package dev.argondb.gateway.protocol;

/**
 * Server message {@code K}: the process id and secret key a client must quote in a {@link CancelRequest}.
 * Protocol 3.0 (what Postgres 17 speaks) uses a 4-byte secret.
 */
public record BackendKeyData(int processId, int secretKey) {
  public static final byte TYPE = 'K';
  /** Body length (after the type byte and the int32 length) of a 3.0 BackendKeyData. */
  public static final int BODY_LENGTH = 8;
}
