package dev.argondb.gateway;

/** A session step failed in a way the client must be told about: carries the FATAL error to send. */
final class SessionRejected extends Exception {
  private final SessionFailure failure;

  SessionRejected(SessionFailure failure) {
    super(failure.message(), null, false, false);
    this.failure = failure;
  }

  SessionFailure failure() {
    return failure;
  }
}
