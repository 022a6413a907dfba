package dev.argondb.bus;

/** Failure codes carried by {@code Message.fail(code, message)} replies; they mirror HTTP status codes. */
public final class BusErrors {
  private BusErrors() {}

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;
}
