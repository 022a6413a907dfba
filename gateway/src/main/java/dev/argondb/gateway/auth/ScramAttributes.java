package dev.argondb.gateway.auth;

import dev.argondb.gateway.protocol.ProtocolViolation;
import java.util.ArrayList;
import java.util.List;

/** The {@code a=value,b=value} attribute lists SCRAM messages are made of (RFC 5802 §7). */
record ScramAttributes(List<Attribute> attributes) {
  record Attribute(char name, String value) {}

  static ScramAttributes parse(String message) throws ProtocolViolation {
    List<Attribute> attributes = new ArrayList<>();
    for (String part : message.split(",", -1)) {
      if (part.length() < 2 || part.charAt(1) != '=' || !Character.isLetter(part.charAt(0))) {
        throw new ProtocolViolation("malformed SCRAM message");
      }
      attributes.add(new Attribute(part.charAt(0), part.substring(2)));
    }
    return new ScramAttributes(attributes);
  }

  /** The value of the attribute at {@code index}, which must be named {@code name}. */
  String require(int index, char name) throws ProtocolViolation {
    if (index >= attributes.size() || attributes.get(index).name() != name) {
      throw new ProtocolViolation("malformed SCRAM message: expected attribute \"" + name + "\"");
    }
    return attributes.get(index).value();
  }

  int size() {
    return attributes.size();
  }
}
