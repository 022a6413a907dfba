package dev.argondb.cli.stack;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a JVM joins the ArgonDB cluster: Hazelcast over TCP with a fixed member list, and the event bus on
 * the same address.
 *
 * @param name    members with other names never join each other (tests run several clusters on one machine)
 * @param host    address Hazelcast and the event bus bind and advertise: an IP, or a name resolved at start
 *                (a compose service name)
 * @param port    Hazelcast's port (the next free one is taken if it is in use)
 * @param members the members to contact when joining, {@code host:port}; empty for a single-member cluster
 */
public record ClusterSettings(String name, String host, int port, List<String> members) {
  public static final int DEFAULT_PORT = 5701;

  public ClusterSettings {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("cluster name is required");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("cluster host is required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be 1..65535, got " + port);
    }
    members = List.copyOf(members);
  }

  /** A single member on 127.0.0.1, as the one-JVM local stack runs. */
  public static ClusterSettings singleMember(String name) {
    return new ClusterSettings(name, "127.0.0.1", DEFAULT_PORT, List.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("host", host).put("port", port)
        .put("members", new JsonArray(members));
  }

  public static ClusterSettings fromJson(JsonObject json) {
    return new ClusterSettings(json.getString("name"), json.getString("host"), json.getInteger("port"),
        json.getJsonArray("members", new JsonArray()).stream().map(String::valueOf).toList());
  }
}
