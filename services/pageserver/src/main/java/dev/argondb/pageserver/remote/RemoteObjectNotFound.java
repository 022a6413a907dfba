package dev.argondb.pageserver.remote;

/** The remote storage holds no object under a key. */
public final class RemoteObjectNotFound extends RuntimeException {
  public RemoteObjectNotFound(String key) {
    super("no remote object " + key);
  }
}
