package dev.argondb.cli.roles;

import dev.argondb.cli.stack.ClusterSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config file of {@code argon service}: a JSON object with a {@code cluster} section and one section per
 * role, named as the role ({@code control-plane}, {@code compute}, {@code gateway}); each section holds
 * some of the keys of its role's config record in snake case, the rest keep their defaults. One file can
 * serve every role of a deployment: each process reads the cluster section and its own role's section.
 * Environment variables override the file (see {@link ConfigSection}).
 */
public final class ServiceConfigFile {
  public static final String CLUSTER_SECTION = "cluster";
  static final ClusterSettings CLUSTER_DEFAULTS = new ClusterSettings("argon", "127.0.0.1",
      ClusterSettings.DEFAULT_PORT, List.of());

  private final JsonObject file;
  private final Map<String, String> env;

  private ServiceConfigFile(JsonObject file, Map<String, String> env) {
    Set<String> known = new HashSet<>(ServiceRoles.names());
    known.add(CLUSTER_SECTION);
    for (String section : file.fieldNames()) {
      if (!known.contains(section)) {
        throw new IllegalArgumentException("unknown section \"" + section + "\"; known: " + known);
      }
    }
    this.file = file;
    this.env = Map.copyOf(env);
  }

  /** Reads {@code file} (null: defaults and environment only). Blocking. */
  public static ServiceConfigFile read(Path file, Map<String, String> env) throws IOException {
    if (file == null) {
      return new ServiceConfigFile(new JsonObject(), env);
    }
    try {
      return new ServiceConfigFile(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)), env);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  public ClusterSettings cluster() {
    return ClusterSettings.fromJson(ConfigSection.merge(CLUSTER_SECTION, CLUSTER_DEFAULTS.toJson(),
        file.getJsonObject(CLUSTER_SECTION), env));
  }

  public <C> C configOf(ServiceRole<C, ?> role) {
    return role.fromJson(sectionOf(role));
  }

  /** The role's complete section, as {@code argon service ROLE --print-config} shows it. */
  public <C> JsonObject sectionOf(ServiceRole<C, ?> role) {
    return ConfigSection.merge(role.name(), role.toJson(role.defaults()), file.getJsonObject(role.name()), env);
  }
}
