package dev.argondb.pageserver.remote;

import io.vertx.core.json.JsonObject;

/**
 * One uploaded object of a timeline, as {@code index.json} lists it.
 *
 * @param kind     {@link LayerKind#IMAGE} (a tar of the image's directory) or {@link LayerKind#WAL} (the WAL bytes
 *                 of [startLsn, endLsn), no header)
 * @param name     its key below the timeline's prefix ({@code images/<lsn>.tar}, {@code wal/<segment>})
 * @param startLsn an image's redo LSN (where replay over it starts); a WAL layer's first byte
 * @param endLsn   an image's LSN; a WAL layer's end (exclusive)
 * @param size     bytes of the object
 * @param sha256   lowercase hex SHA-256 of the object: a download that differs is refused
 * @param image    an image's {@code image.json} (null for WAL)
 */
public record RemoteLayer(String kind, String name, long startLsn, long endLsn, long size, String sha256,
                          JsonObject image) {

  public boolean isImage() {
    return LayerKind.IMAGE.equals(kind);
  }

  public boolean isWal() {
    return LayerKind.WAL.equals(kind);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("kind", kind).put("name", name).put("start_lsn", startLsn)
        .put("end_lsn", endLsn).put("size", size).put("sha256", sha256);
    if (image != null) {
      json.put("image", image);
    }
    return json;
  }

  static RemoteLayer fromJson(JsonObject json) {
    RemoteLayer layer = new RemoteLayer(json.getString("kind"), json.getString("name"), json.getLong("start_lsn"),
        json.getLong("end_lsn"), json.getLong("size"), json.getString("sha256"), json.getJsonObject("image"));
    if (!layer.isImage() && !layer.isWal()) {
      throw new IllegalArgumentException("unknown layer kind " + layer.kind());
    }
    if (layer.name() == null || layer.name().contains("..") || layer.sha256() == null) {
      throw new IllegalArgumentException("bad layer entry " + json.encode());
    }
    return layer;
  }
}
