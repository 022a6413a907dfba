package dev.argondb.pageserver;

import dev.argondb.bus.BusErrors;

/** A refused request: {@code code} is a {@link BusErrors} code, the message says what was wrong. */
public final class PageserverException extends RuntimeException {
  private final int code;

  public PageserverException(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static PageserverException badRequest(String message) {
    return new PageserverException(BusErrors.BAD_REQUEST, message);
  }

  public static PageserverException notFound(String message) {
    return new PageserverException(BusErrors.NOT_FOUND, message);
  }

  public static PageserverException conflict(String message) {
    return new PageserverException(BusErrors.CONFLICT, message);
  }

  /** A requested LSN outside what the timeline holds (below its start, beyond its ingested end). */
  public static PageserverException outOfRange(String message) {
    return new PageserverException(OUT_OF_RANGE, message);
  }

  /** Like HTTP 416: a valid request for a range the timeline does not hold. */
  public static final int OUT_OF_RANGE = 416;
}
