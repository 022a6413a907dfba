package dev.argondb.gateway.protocol;

/** Server message {@code Z}: the end of the startup phase; from here on the gateway only relays bytes. */
public final class ReadyForQuery {
  private ReadyForQuery() {}

  public static final byte TYPE = 'Z';
}
