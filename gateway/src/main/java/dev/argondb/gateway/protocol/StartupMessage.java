package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's first real packet: protocol version, then NUL-terminated name/value pairs ended by
 * an empty name. The gateway reads it to route the connection and forwards it (rewritten) to the compute.
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {
  /** Protocol 3.0, what every current client sends first. */
  public static final int PROTOCOL_3_0 = 196608;
  public static final int MAJOR_VERSION_3 = 3;
  public static final String USER = "user";
  public static final String DATABASE = "database";
  public static final String OPTIONS = "options";

  public StartupMessage {
    // Copy keeping the client's order, so the forwarded packet reads like the original.
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  public static int majorVersion(int protocolVersion) {
    return protocolVersion >>> 16;
  }

  public static int minorVersion(int protocolVersion) {
    return protocolVersion & 0xFFFF;
  }

  /** Parses a whole startup packet (length and version included) whose version is 3.x. */
  static StartupMessage parse(Buffer packet) throws ProtocolViolation {
    int version = packet.getInt(4);
    byte[] body = packet.getBytes(8, packet.length());
    int last = body.length - 1;
    if (body.length == 0 || body[last] != 0) {
      throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    int pos = 0;
    while (body[pos] != 0) {
      int nameEnd = indexOfNul(body, pos);
      int valueStart = nameEnd + 1;
      if (valueStart > last) {
        throw new ProtocolViolation("invalid startup packet layout: parameter \"" + decode(body, pos, nameEnd)
            + "\" has no value");
      }
      int valueEnd = indexOfNul(body, valueStart);
      parameters.put(decode(body, pos, nameEnd), decode(body, valueStart, valueEnd));
      pos = valueEnd + 1;
      if (pos > last) {
        throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
      }
    }
    if (pos != last) {
      throw new ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    String user = parameters.get(USER);
    if (user == null || user.isEmpty()) {
      throw new ProtocolViolation(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
          "no PostgreSQL user name specified in startup packet");
    }
    return new StartupMessage(version, parameters);
  }

  public String user() {
    return parameters.get(USER);
  }

  public String database() {
    return parameters.getOrDefault(DATABASE, user());
  }

  /** The {@code options} parameter (command-line switches for the backend), or null. */
  public String options() {
    return parameters.get(OPTIONS);
  }

  /** This message with {@code options} replaced, or removed when {@code newOptions} is null. */
  public StartupMessage withOptions(String newOptions) {
    Map<String, String> copy = new LinkedHashMap<>(parameters);
    if (newOptions == null) {
      copy.remove(OPTIONS);
    } else {
      copy.put(OPTIONS, newOptions);
    }
    return new StartupMessage(protocolVersion, copy);
  }

  public Buffer encode() {
    Buffer body = Buffer.buffer();
    parameters.forEach((name, value) -> body
        .appendBytes(name.getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0)
        .appendBytes(value.getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0));
    body.appendByte((byte) 0);
    return Buffer.buffer(8 + body.length()).appendInt(8 + body.length()).appendInt(protocolVersion).appendBuffer(body);
  }

  private static int indexOfNul(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1; // unreachable: callers checked that the body ends with NUL
  }

  /** Strict UTF-8: re-encoding a lossy decode would silently change a user or database name. */
  private static String decode(byte[] bytes, int from, int to) throws ProtocolViolation {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolViolation("invalid UTF-8 in startup packet parameter");
    }
  }
}
