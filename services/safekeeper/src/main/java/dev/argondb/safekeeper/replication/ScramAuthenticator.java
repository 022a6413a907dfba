package dev.argondb.safekeeper.replication;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * SCRAM-SHA-256 through the ongres library (the one vertx-pg-client uses). No TLS, so no channel
 * binding: only the plain mechanism is offered to the library.
 */
final class ScramAuthenticator {
  static final String MECHANISM = "SCRAM-SHA-256";
  /** Postgres takes the user from the startup packet and ignores the SCRAM one; pgjdbc sends this. */
  private static final String IGNORED_USERNAME = "*";

  private final Vertx vertx;
  private final ScramClient client;

  ScramAuthenticator(Vertx vertx, List<String> serverMechanisms, String password) {
    if (!serverMechanisms.contains(MECHANISM)) {
      throw new ReplicationException("server offers SASL mechanisms " + serverMechanisms + ", need " + MECHANISM);
    }
    this.vertx = vertx;
    this.client = ScramClient.builder()
        .advertisedMechanisms(List.of(MECHANISM))
        .username(IGNORED_USERNAME)
        .password(password.toCharArray())
        .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
        .build();
  }

  String clientFirstMessage() {
    return client.clientFirstMessage().toString();
  }

  /** The client-final-message. Salting the password is thousands of HMACs: off the event loop. */
  Future<String> clientFinalMessage(String serverFirstMessage) {
    return vertx.executeBlocking(() -> {
      client.serverFirstMessage(serverFirstMessage);
      return client.clientFinalMessage().toString();
    });
  }

  /** Verifies the server signature: a server that does not know the password cannot pass. */
  void verifyServerFinal(String serverFinalMessage) {
    try {
      client.serverFinalMessage(serverFinalMessage);
    } catch (ScramException e) {
      throw new ReplicationException("SCRAM server-final-message rejected: " + e.getMessage(), e);
    }
  }
}
