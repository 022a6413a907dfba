package dev.argondb.safekeeper.replication;

/**
 * Backend message {@code N}: same fields as an ErrorResponse. A walsender sends one right before it
 * dies on an immediate shutdown, so the last notice explains a following socket close.
 */
final class NoticeResponse {
  private NoticeResponse() {}

  static final byte TYPE = 'N';
}
