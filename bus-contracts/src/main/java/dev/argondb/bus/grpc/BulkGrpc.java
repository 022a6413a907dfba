package dev.argondb.bus.grpc;

import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;

/**
 * gRPC clients for the bulk streams (basebackups, WAL): HTTP/2 receive windows sized for throughput. With
 * HTTP/2's default 64 KB windows a sender stops every 64 KB until the receiver's event loop has read the data
 * and answered with a WINDOW_UPDATE, which on a busy host capped a basebackup at a few hundred MB/s. The
 * receiver still applies back-pressure: a paused stream stops granting window, so at most one window per
 * stream is ever buffered.
 */
public final class BulkGrpc {
  /** What a sender may have in flight on one stream before it waits for the receiver. */
  public static final int STREAM_WINDOW_BYTES = 8 << 20;
  /** The same for all streams of one connection together. */
  public static final int CONNECTION_WINDOW_BYTES = 32 << 20;

  private BulkGrpc() {
  }

  /**
   * The largest message a client takes: a GetPages reply of {@link LazyBasebackup#MAX_PAGES_BYTES} and its few
   * bytes of protobuf framing (the client's default, 256 KB, would refuse it).
   */
  public static final long MAX_MESSAGE_BYTES = LazyBasebackup.MAX_PAGES_BYTES + (64 << 10);

  /** A client over cleartext HTTP/2 with prior knowledge, as {@link GrpcClient#client(Vertx)}, with large windows. */
  public static GrpcClient client(Vertx vertx) {
    HttpClientOptions http = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW_BYTES)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW_BYTES));
    return GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES), http);
  }
}
