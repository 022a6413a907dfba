package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;

/** Reads a request's JSON object body field by field, failing with 400 and a precise message. */
final class JsonBody {
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /** The request body; an empty body is an empty object. */
  static JsonBody of(RoutingContext rc) {
    if (rc.body() == null || rc.body().isEmpty() || rc.body().asString().isBlank()) {
      return new JsonBody(new JsonObject());
    }
    Object value;
    try {
      value = Json.decodeValue(rc.body().buffer());
    } catch (DecodeException e) {
      throw ControlPlaneError.badRequest("request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw ControlPlaneError.badRequest("request body must be a JSON object");
    }
    return new JsonBody(object);
  }

  /** Present with a non-null value. */
  boolean has(String field) {
    return json.getValue(field) != null;
  }

  String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw ControlPlaneError.badRequest("\"" + field + "\" is required");
    }
    return value;
  }

  String optionalString(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String string)) {
      throw ControlPlaneError.badRequest("\"" + field + "\" must be a string");
    }
    return string;
  }

  Integer optionalInteger(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer integer) {
      return integer;
    }
    if (value instanceof Long || value instanceof BigInteger) {
      // JSON integers beyond the int range decode as Long or BigInteger.
      throw ControlPlaneError.badRequest("\"" + field + "\" must be an integer from "
          + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }
    throw ControlPlaneError.badRequest("\"" + field + "\" must be an integer");
  }

  Boolean optionalBoolean(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean bool)) {
      throw ControlPlaneError.badRequest("\"" + field + "\" must be true or false");
    }
    return bool;
  }
}
