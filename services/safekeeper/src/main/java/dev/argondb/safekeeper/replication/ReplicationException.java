package dev.argondb.safekeeper.replication;

/** The replication connection failed or ended abnormally: lost socket, protocol violation, refused auth. */
public class ReplicationException extends RuntimeException {
  public ReplicationException(String message) {
    super(message);
  }

  public ReplicationException(String message, Throwable cause) {
    super(message, cause);
  }
}
