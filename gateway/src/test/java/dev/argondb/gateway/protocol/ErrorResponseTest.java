package dev.argondb.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {
  @Test
  void writesFatalErrorWithSeveritySqlstateAndMessage() {
    Buffer error = ErrorResponse.fatal("3D000", "endpoint \"x\" not found");
    String fields = "SFATAL\0VFATAL\0C3D000\0Mendpoint \"x\" not found\0\0";
    Buffer expected = Buffer.buffer().appendByte((byte) 'E').appendInt(4 + fields.length()).appendString(fields);
    assertEquals(expected, error);
  }
}
