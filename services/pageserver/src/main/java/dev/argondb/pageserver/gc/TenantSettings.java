package dev.argondb.pageserver.gc;

import dev.argondb.bus.PageserverTenantConfig;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.timeline.TimelineIds;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's settings as the control plane sent them, in {@code tenants/<tenant>/tenant.json} (the same JSON
 * goes to remote storage, so a rebuilt pageserver keeps it). A tenant never configured has the defaults. Blocking.
 */
public final class TenantSettings {
  public static final Duration DEFAULT_PITR_INTERVAL = Duration.ofDays(7);
  static final String FILE = "tenant.json";

  private final Path tenantsDir;
  private final Map<String, PageserverTenantConfig> cache = new ConcurrentHashMap<>();

  public TenantSettings(Path dataDir) {
    this.tenantsDir = dataDir.resolve("tenants");
  }

  /** The tenant's settings (the defaults if none were stored). */
  public PageserverTenantConfig get(String tenantId) throws IOException {
    PageserverTenantConfig known = cache.get(tenantId);
    if (known != null) {
      return known;
    }
    Path file = tenantsDir.resolve(tenantId).resolve(FILE);
    PageserverTenantConfig config = Files.exists(file)
        ? fromJson(tenantId, new JsonObject(Files.readString(file, StandardCharsets.UTF_8)))
        : new PageserverTenantConfig(tenantId, DEFAULT_PITR_INTERVAL.toSeconds());
    cache.put(tenantId, config);
    return config;
  }

  public Duration pitrInterval(String tenantId) throws IOException {
    return Duration.ofSeconds(get(tenantId).pitrIntervalSeconds());
  }

  /** Stores settings; bad ones are refused and nothing changes. */
  public PageserverTenantConfig set(PageserverTenantConfig config) throws IOException {
    TimelineIds.check("tenant", config.tenantId());
    if (config.pitrIntervalSeconds() < 0) {
      throw PageserverException.badRequest("pitr_interval must not be negative, got " + config.pitrIntervalSeconds()
          + " s");
    }
    Path dir = tenantsDir.resolve(config.tenantId());
    Files.createDirectories(dir);
    DurableFiles.write(dir.resolve(FILE), toJson(config).encodePrettily());
    cache.put(config.tenantId(), config);
    return config;
  }

  /** A window as people write it: 7d, 12h, 30m, 45s. */
  public static String describe(Duration window) {
    return dev.argondb.bus.DurationText.of(window.toSeconds());
  }

  public static JsonObject toJson(PageserverTenantConfig config) {
    return new JsonObject().put("tenant_id", config.tenantId())
        .put("pitr_interval_seconds", config.pitrIntervalSeconds());
  }

  public static PageserverTenantConfig fromJson(String tenantId, JsonObject json) {
    return new PageserverTenantConfig(tenantId,
        json.getLong("pitr_interval_seconds", DEFAULT_PITR_INTERVAL.toSeconds()));
  }

  /** Where a tenant's settings live on local disk (for a rebuild to put back what remote storage holds). */
  public Path fileOf(String tenantId) {
    return tenantsDir.resolve(tenantId).resolve(FILE);
  }
}
