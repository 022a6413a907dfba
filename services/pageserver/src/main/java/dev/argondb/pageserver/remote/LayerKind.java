package dev.argondb.pageserver.remote;

/** The kinds of remote objects, as named in {@code index.json} and in metric tags. */
public final class LayerKind {
  public static final String IMAGE = "image";
  public static final String WAL = "wal";
  public static final String INDEX = "index";

  private LayerKind() {}
}
