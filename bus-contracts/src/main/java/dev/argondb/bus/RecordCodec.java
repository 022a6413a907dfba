package dev.argondb.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.Json;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * Carries a message record across the clustered event bus as JSON; within one JVM the record
 * itself is passed (records are immutable, so sharing is safe).
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  public RecordCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    Buffer json = Json.encodeToBuffer(message);
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    Buffer json = buffer.getBuffer(pos + 4, pos + 4 + length);
    return ((DatabindCodec) Json.CODEC).fromBuffer(json, type);
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return "argon:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
