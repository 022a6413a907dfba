package dev.argondb.controlplane.api;

import dev.argondb.controlplane.model.Endpoint;
import dev.argondb.controlplane.model.Role;
import dev.argondb.controlplane.model.Tenant;
import dev.argondb.controlplane.model.Timeline;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The REST API's JSON (snake_case; absent values are explicit nulls). */
final class JsonViews {
  private JsonViews() {}

  static JsonObject tenant(Tenant tenant) {
    return new JsonObject().put("id", tenant.id()).put("created_at", time(tenant.createdAt()))
        .put("pitr_interval", InputRules.formatDuration(tenant.pitrIntervalSeconds()))
        .put("pitr_interval_seconds", tenant.pitrIntervalSeconds());
  }

  static JsonObject tenantWithTimelines(Tenant tenant, List<Timeline> timelines) {
    return tenant(tenant).put("timelines", timelines(timelines).getJsonArray("timelines"));
  }

  /** A tenant's timelines, each naming its ancestor too (the ancestor is always in the same list). */
  static JsonObject timelines(List<Timeline> timelines) {
    Map<String, String> names = new HashMap<>();
    timelines.forEach(timeline -> names.put(timeline.id(), timeline.name()));
    return list("timelines", timelines,
        timeline -> timeline(timeline).put("ancestor_branch_name", names.get(timeline.ancestorTimelineId())));
  }

  static JsonObject timeline(Timeline timeline) {
    return new JsonObject()
        .put("id", timeline.id())
        .put("tenant_id", timeline.tenantId())
        .put("name", timeline.name())
        .put("ancestor_timeline_id", timeline.ancestorTimelineId())
        .put("ancestor_lsn", timeline.ancestorLsn())
        .put("created_at", time(timeline.createdAt()));
  }

  static JsonObject endpoint(Endpoint endpoint) {
    return new JsonObject()
        .put("id", endpoint.id())
        .put("name", endpoint.name())
        .put("tenant_id", endpoint.tenantId())
        .put("timeline_id", endpoint.timelineId())
        .put("branch_name", endpoint.branchName())
        .put("read_only", endpoint.readOnly())
        .put("lsn", endpoint.lsn())
        .put("state", endpoint.state().label())
        .put("host", endpoint.host())
        .put("port", endpoint.port())
        .put("suspend_timeout_seconds", endpoint.suspendTimeoutSeconds())
        .put("last_active_at", time(endpoint.lastActiveAt()))
        .put("created_at", time(endpoint.createdAt()));
  }

  static JsonObject role(Role role) {
    return new JsonObject().put("name", role.name()).put("created_at", time(role.createdAt()));
  }

  static <T> JsonObject list(String key, List<T> items, Function<T, JsonObject> view) {
    return new JsonObject().put(key, array(items, view));
  }

  private static <T> JsonArray array(List<T> items, Function<T, JsonObject> view) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(view.apply(item)));
    return array;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
