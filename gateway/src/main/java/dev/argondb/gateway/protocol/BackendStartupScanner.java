package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Watches the compute's bytes during the startup phase without holding them back: it frames the
 * typed messages (1-byte type, int32 length including itself, body) across chunk boundaries, reports
 * {@link BackendKeyData}, and stops at the first {@link ReadyForQuery}. Only the 8-byte body of a
 * BackendKeyData is copied; every other body is skipped, whatever its size.
 */
public final class BackendStartupScanner {
  private static final int HEADER_LENGTH = 5;

  private final Consumer<BackendKeyData> keyListener;
  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerFilled;
  private byte type;
  private int bodyRemaining;
  private Buffer keyBody;
  private boolean done;

  public BackendStartupScanner(Consumer<BackendKeyData> keyListener) {
    this.keyListener = keyListener;
  }

  /** True once ReadyForQuery went by (or the stream stopped making sense): nothing more to watch. */
  public boolean done() {
    return done;
  }

  /** Observes the next chunk of the compute's output; the caller forwards the chunk unchanged. */
  public void scan(Buffer chunk) {
    int pos = 0;
    int length = chunk.length();
    while (pos < length && !done) {
      if (headerFilled < HEADER_LENGTH) {
        header[headerFilled++] = chunk.getByte(pos++);
        if (headerFilled == HEADER_LENGTH) {
          startBody();
        }
      } else {
        int take = Math.min(bodyRemaining, length - pos);
        if (keyBody != null) {
          keyBody.appendBuffer(chunk, pos, take);
        }
        pos += take;
        bodyRemaining -= take;
        if (bodyRemaining == 0) {
          endMessage();
        }
      }
    }
  }

  private void startBody() {
    type = header[0];
    int messageLength = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
        | (header[4] & 0xFF);
    if (messageLength < 4) {
      done = true; // not the protocol we know: stop watching, the bytes are relayed regardless
      return;
    }
    bodyRemaining = messageLength - 4;
    keyBody = type == BackendKeyData.TYPE && bodyRemaining == BackendKeyData.BODY_LENGTH ? Buffer.buffer(8) : null;
    if (bodyRemaining == 0) {
      endMessage();
    }
  }

  private void endMessage() {
    if (keyBody != null) {
      keyListener.accept(new BackendKeyData(keyBody.getInt(0), keyBody.getInt(4)));
      keyBody = null;
    }
    if (type == ReadyForQuery.TYPE) {
      done = true;
    }
    headerFilled = 0;
  }
}
