package dev.argondb.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking client of the control plane's REST API, for the CLI. API errors become {@link CliException}s. */
public final class ApiClient {
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public JsonObject get(String path) {
    return send("GET", path, null);
  }

  public JsonObject post(String path, JsonObject body) {
    return send("POST", path, body);
  }

  public JsonObject patch(String path, JsonObject body) {
    return send("PATCH", path, body);
  }

  public JsonObject delete(String path) {
    return send("DELETE", path, null);
  }

  private JsonObject send(String method, String path, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofMinutes(2))
        .header("accept", "application/json");
    if (body != null) {
      request.header("content-type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException("the ArgonDB stack is not running (no control plane at " + baseUrl
          + "); start it with ./argon start");
    } catch (IOException e) {
      throw new CliException("control plane request " + method + " " + path + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    JsonObject json = parse(response.body());
    if (response.statusCode() >= 400) {
      String error = json.getString("error", "HTTP " + response.statusCode());
      throw new ApiError(response.statusCode(), error);
    }
    return json;
  }

  /** An error answer of the API: its HTTP status and message. */
  public static final class ApiError extends CliException {
    private final int status;

    ApiError(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static JsonObject parse(String body) {
    if (body == null || body.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      return new JsonObject().put("error", body.strip());
    }
  }
}
