package dev.argondb.safekeeper.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and as whom to connect. {@code applicationName} is the name the compute matches against
 * {@code synchronous_standby_names}: use the safekeeper id (sk1, sk2, ...).
 */
public record ReplicationConnectOptions(String host, int port, String user, String password,
                                        String applicationName, Duration connectTimeout) {
  public ReplicationConnectOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(applicationName, "applicationName");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }
}
