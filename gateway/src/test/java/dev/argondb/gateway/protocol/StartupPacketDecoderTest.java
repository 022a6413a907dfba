package dev.argondb.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartupPacketDecoderTest {
  private final StartupPacketDecoder decoder = new StartupPacketDecoder(10_000);

  /** A startup message built by hand from the protocol documentation, independent of the code under test. */
  private static Buffer startupBytes(int version, String... pairs) {
    Buffer body = Buffer.buffer();
    for (String s : pairs) {
      body.appendString(s, "UTF-8").appendByte((byte) 0);
    }
    body.appendByte((byte) 0);
    return Buffer.buffer().appendInt(8 + body.length()).appendInt(version).appendBuffer(body);
  }

  @Test
  void decodesSslRequestThenStartupMessageArrivingByteByByte() throws Exception {
    Buffer stream = Buffer.buffer().appendInt(8).appendInt(80877103)
        .appendBuffer(startupBytes(196608, "user", "alice", "database", "shop", "options", "endpoint=main"))
        .appendString("Q");
    StartupPacket first = null;
    int i = 0;
    while (first == null) {
      decoder.append(stream.getBuffer(i, i + 1));
      i++;
      first = decoder.next();
    }
    assertEquals(8, i, "the SSL request is complete after exactly 8 bytes");
    assertInstanceOf(SslRequest.class, first);
    StartupPacket second = null;
    while (second == null) {
      decoder.append(stream.getBuffer(i, i + 1));
      i++;
      second = decoder.next();
    }
    StartupMessage startup = assertInstanceOf(StartupMessage.class, second);
    assertEquals("alice", startup.user());
    assertEquals("shop", startup.database());
    assertEquals("endpoint=main", startup.options());
    decoder.append(stream.getBuffer(i, stream.length()));
    assertEquals("Q", decoder.takeRemaining().toString());
  }

  @Test
  void encodeReproducesTheClientsBytes() throws Exception {
    Buffer original = startupBytes(196608, "user", "bob", "application_name", "psql", "database", "db");
    decoder.append(original);
    StartupMessage startup = (StartupMessage) decoder.next();
    assertEquals(original, startup.encode());
    assertEquals(startupBytes(196608, "user", "bob", "application_name", "psql", "database", "db", "options", "-c x=1"),
        startup.withOptions("-c x=1").encode());
  }

  @Test
  void decodesCancelRequestAndGssEncRequest() throws Exception {
    decoder.append(Buffer.buffer().appendInt(8).appendInt(80877104)
        .appendInt(16).appendInt(80877102).appendInt(4242).appendInt(-7));
    assertInstanceOf(GssEncRequest.class, decoder.next());
    CancelRequest cancel = assertInstanceOf(CancelRequest.class, decoder.next());
    assertEquals(new BackendKeyData(4242, -7), cancel.key());
    assertEquals(Buffer.buffer().appendInt(16).appendInt(80877102).appendInt(4242).appendInt(-7), cancel.encode());
    assertNull(decoder.next());
  }

  @Test
  void refusesBadLengthsAsSoonAsTheLengthIsKnown() {
    for (int length : new int[] {0, 4, 7, 10_001, 1 << 30, -1}) {
      StartupPacketDecoder fresh = new StartupPacketDecoder(10_000);
      fresh.append(Buffer.buffer().appendInt(length));
      ProtocolViolation violation = assertThrows(ProtocolViolation.class, fresh::next, "length " + length);
      assertEquals(SqlState.PROTOCOL_VIOLATION, violation.sqlState());
    }
  }

  @Test
  void waitsForAnnouncedBytesWithinTheLimit() throws Exception {
    decoder.append(Buffer.buffer().appendInt(9_000).appendInt(196608));
    assertNull(decoder.next());
  }

  @Test
  void refusesUnknownProtocolCodes() {
    for (int code : new int[] {0x00020000, 12345678, 0x00040000}) {
      StartupPacketDecoder fresh = new StartupPacketDecoder(10_000);
      fresh.append(Buffer.buffer().appendInt(8).appendInt(code));
      ProtocolViolation violation = assertThrows(ProtocolViolation.class, fresh::next);
      assertTrue(violation.getMessage().contains("unsupported frontend protocol"), violation.getMessage());
    }
  }

  @Test
  void refusesMalformedParameters() {
    Buffer noTerminator = Buffer.buffer().appendInt(8 + 10).appendInt(196608)
        .appendString("user\0alice", "UTF-8");
    Buffer missingValue = Buffer.buffer().appendInt(8 + 6).appendInt(196608).appendString("user\0\0", "UTF-8");
    Buffer missingListEnd = Buffer.buffer().appendInt(8 + 11).appendInt(196608).appendString("user\0alice\0", "UTF-8");
    Buffer badUtf8 = Buffer.buffer().appendInt(8 + 8).appendInt(196608)
        .appendBytes("user\0".getBytes(StandardCharsets.US_ASCII)).appendBytes(new byte[] {(byte) 0xC3, 0, 0});
    Buffer wrongSslLength = Buffer.buffer().appendInt(12).appendInt(80877103).appendInt(0);
    Buffer wrongCancelLength = Buffer.buffer().appendInt(12).appendInt(80877102).appendInt(1);
    for (Buffer packet : new Buffer[] {noTerminator, missingValue, missingListEnd, badUtf8, wrongSslLength,
        wrongCancelLength}) {
      StartupPacketDecoder fresh = new StartupPacketDecoder(10_000);
      fresh.append(packet);
      ProtocolViolation violation = assertThrows(ProtocolViolation.class, fresh::next, packet.toString());
      assertEquals(SqlState.PROTOCOL_VIOLATION, violation.sqlState());
    }
  }

  @Test
  void requiresAUser() {
    decoder.append(startupBytes(196608, "database", "db"));
    ProtocolViolation violation = assertThrows(ProtocolViolation.class, decoder::next);
    assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, violation.sqlState());
  }
}
