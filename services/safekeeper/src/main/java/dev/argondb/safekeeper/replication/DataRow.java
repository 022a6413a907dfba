package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Backend message {@code D}: one row in text format; a null column is length -1. */
final class DataRow {
  private DataRow() {}

  static final byte TYPE = 'D';
  private static final int NULL_LENGTH = -1;

  static List<String> parse(Buffer body) {
    int columns = body.getUnsignedShort(0);
    List<String> values = new ArrayList<>(columns);
    int pos = 2;
    for (int i = 0; i < columns; i++) {
      int length = body.getInt(pos);
      pos += 4;
      if (length == NULL_LENGTH) {
        values.add(null);
      } else {
        values.add(body.getString(pos, pos + length, StandardCharsets.UTF_8.name()));
        pos += length;
      }
    }
    return values;
  }
}
