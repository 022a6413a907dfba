package dev.argondb.gateway.protocol;

/**
 * An untyped packet of the startup phase: int32 length (including itself), int32 code, body.
 * Before authentication a client may only send these.
 */
public sealed interface StartupPacket permits SslRequest, GssEncRequest, CancelRequest, StartupMessage {}
