package dev.argondb.safekeeper.replication;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/** Opens physical-replication connections (a walsender on the compute) without blocking. */
public final class ReplicationClient {
  private ReplicationClient() {}

  /**
   * Connects, authenticates with SCRAM-SHA-256 and waits for ReadyForQuery. Fails with
   * {@link PgException} when the server refuses (28P01 wrong password, 28000 no pg_hba entry, 53300
   * too many walsenders) and {@link ReplicationException} for everything else. The connection's
   * callbacks run on the event loop of the calling context (a new one when called off Vert.x).
   */
  public static Future<ReplicationConnection> connect(Vertx vertx, ReplicationConnectOptions options) {
    NetClient client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) options.connectTimeout().toMillis())
        .setTcpNoDelay(true) // status updates are tiny and latency-critical: they release commits
        .setTcpKeepAlive(true));
    return client.connect(options.port(), options.host())
        .recover(e -> {
          client.close();
          return Future.failedFuture(new ReplicationException("cannot connect to " + options.host() + ":"
              + options.port() + ": " + e.getMessage(), e));
        })
        .compose(socket -> new ReplicationConnection(vertx, client, socket).startup(options));
  }
}
