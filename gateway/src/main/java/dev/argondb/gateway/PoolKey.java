package dev.argondb.gateway;

import dev.argondb.gateway.protocol.StartupMessage;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which pooled server connections a client may get: same endpoint and the same startup parameters (user,
 * database, application_name, options without the endpoint, client_encoding, ...). Parameters that differ make
 * another pool rather than being applied with SET, because {@code DISCARD ALL} (RESET ALL) returns a backend to
 * exactly the values it was started with: a backend then always serves what its startup message asked for.
 */
record PoolKey(String endpoint, String role, String parameters) {
  static PoolKey of(String endpoint, StartupMessage forwarded) {
    // Sorted: two clients sending the same parameters in another order share a pool.
    Map<String, String> sorted = new TreeMap<>(forwarded.parameters());
    StringBuilder text = new StringBuilder();
    sorted.forEach((name, value) -> text.append(name).append('\0').append(value).append('\0'));
    return new PoolKey(endpoint, forwarded.user(), text.toString());
  }
}
