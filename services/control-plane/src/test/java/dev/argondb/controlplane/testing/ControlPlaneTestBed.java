package dev.argondb.controlplane.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.controlplane.ControlPlaneHandle;
import dev.argondb.controlplane.ControlPlaneService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A control plane deployed on a test's Vert.x against a fresh database, with a blocking HTTP client and
 * SQL access for assertions. Test-thread only (it blocks).
 */
public final class ControlPlaneTestBed implements AutoCloseable {
  public final Vertx vertx;
  public final String database;
  public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ControlPlaneConfig config;
  public ControlPlaneHandle handle;
  private final WebClient http;

  private ControlPlaneTestBed(Vertx vertx, UnaryOperator<ControlPlaneConfig> settings) {
    this.vertx = vertx;
    this.database = SharedPostgres.createDatabase();
    this.config = settings.apply(ControlPlaneConfig.defaults()
        .withHttpPort(0)
        .withDatabaseUrl(SharedPostgres.url(database))
        .withComputeStartTimeoutMillis(5_000));
    this.handle = await(ControlPlaneService.deploy(vertx, config, registry));
    this.http = WebClient.create(vertx);
  }

  /** Stops the control plane and starts a new one on the same database, as after a restart of its host. */
  public void restart() {
    await(handle.close());
    handle = await(ControlPlaneService.deploy(vertx, config, registry));
  }

  public static ControlPlaneTestBed start(Vertx vertx) {
    return new ControlPlaneTestBed(vertx, config -> config);
  }

  public static ControlPlaneTestBed start(Vertx vertx, UnaryOperator<ControlPlaneConfig> settings) {
    return new ControlPlaneTestBed(vertx, settings);
  }

  public HttpResponse<Buffer> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body == null ? null : body.encode());
  }

  public HttpResponse<Buffer> postRaw(String path, String body) {
    return send(HttpMethod.POST, path, body);
  }

  public HttpResponse<Buffer> patch(String path, JsonObject body) {
    return send(HttpMethod.PATCH, path, body.encode());
  }

  public HttpResponse<Buffer> delete(String path) {
    return send(HttpMethod.DELETE, path, null);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String body) {
    return await(sendAsync(method, path, body));
  }

  /** Sends without waiting for the answer. */
  public Future<HttpResponse<Buffer>> sendAsync(HttpMethod method, String path, String body) {
    var request = http.request(method, handle.httpPort(), "127.0.0.1", path);
    return body == null ? request.send() : request.putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body));
  }

  /** The JSON body of a response that must have {@code status}. */
  public static JsonObject expect(int status, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), () -> "unexpected status, body: " + response.bodyAsString());
    return response.bodyAsString() == null || response.bodyAsString().isEmpty() ? null : response.bodyAsJsonObject();
  }

  /** Creates a tenant over the API and returns its id. */
  public String createTenant() {
    return expect(201, post("/v1/tenants", new JsonObject())).getString("id");
  }

  public JsonObject createEndpoint(String tenantId, String name, int suspendTimeoutSeconds) {
    return expect(201, post("/v1/tenants/" + tenantId + "/endpoints",
        new JsonObject().put("name", name).put("suspend_timeout_seconds", suspendTimeoutSeconds)));
  }

  /** The first column of the first row of a query on this test's database. */
  public Object sql(String query) {
    try (Connection conn = SharedPostgres.connect(database); Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(query, e);
    }
  }

  public String endpointState(String name) {
    return (String) sql("SELECT state FROM endpoints WHERE name = '" + name + "'");
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }

  /** Polls until {@code condition} holds, failing after {@code timeoutMillis}. */
  public static void eventually(long timeoutMillis, String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    http.close();
    await(handle.close());
  }
}
