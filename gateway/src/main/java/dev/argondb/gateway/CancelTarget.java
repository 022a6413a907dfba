package dev.argondb.gateway;

import dev.argondb.gateway.protocol.BackendKeyData;

/**
 * Where a cancel request for a gateway-issued key must go: the compute that runs the session, and the key
 * that compute issued. Stored as a string in the cluster-wide map, so any gateway instance can forward it.
 */
record CancelTarget(String endpoint, String host, int port, BackendKeyData computeKey) {
  private static final String SEPARATOR = "\n";

  String encode() {
    return String.join(SEPARATOR, endpoint, host, Integer.toString(port), Integer.toString(computeKey.processId()),
        Integer.toString(computeKey.secretKey()));
  }

  static CancelTarget decode(String encoded) {
    String[] parts = encoded.split(SEPARATOR, -1);
    if (parts.length != 5) {
      throw new IllegalArgumentException("malformed cancel target");
    }
    return new CancelTarget(parts[0], parts[1], Integer.parseInt(parts[2]),
        new BackendKeyData(Integer.parseInt(parts[3]), Integer.parseInt(parts[4])));
  }
}
