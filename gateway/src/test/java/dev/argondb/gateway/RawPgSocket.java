package dev.argondb.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A plain blocking socket to the gateway for byte-level protocol tests (test thread only). */
final class RawPgSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;

  RawPgSocket(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  int readByte() throws IOException {
    return in.read();
  }

  byte[] readBytes(int count) throws IOException {
    byte[] bytes = new byte[count];
    in.readFully(bytes);
    return bytes;
  }

  int readInt() throws IOException {
    return in.readInt();
  }

  /** Everything until the gateway closes the connection; fails on timeout, so a hang is a failure. */
  byte[] readUntilClosed() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream stream = socket.getInputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n; (n = stream.read(chunk)) != -1; ) {
        all.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the gateway did not close the connection; got " + all.size() + " bytes", e);
    }
    return all.toByteArray();
  }

  /** The fields (type letter → value) of the single ErrorResponse that {@code bytes} must hold. */
  static Map<Character, String> errorFields(byte[] bytes) {
    if (bytes.length < 5 || bytes[0] != 'E') {
      throw new AssertionError("expected an ErrorResponse, got " + bytes.length + " bytes starting with "
          + (bytes.length == 0 ? "nothing" : "'" + (char) bytes[0] + "'"));
    }
    int length = ((bytes[1] & 0xFF) << 24) | ((bytes[2] & 0xFF) << 16) | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
    if (length + 1 != bytes.length || bytes[bytes.length - 1] != 0) {
      throw new AssertionError("malformed ErrorResponse: length " + length + ", " + bytes.length + " bytes");
    }
    Map<Character, String> fields = new HashMap<>();
    int pos = 5;
    while (bytes[pos] != 0) {
      char type = (char) bytes[pos++];
      int end = pos;
      while (bytes[end] != 0) {
        end++;
      }
      fields.put(type, new String(bytes, pos, end - pos, StandardCharsets.UTF_8));
      pos = end + 1;
    }
    return fields;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
