package dev.argondb.pageserver.remote;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Where the pageserver uploads layers: nowhere ({@link None}), a directory ({@link Directory}) or an S3 API
 * ({@link S3}). JSON form: {@code {"kind":"none"}}, {@code {"kind":"directory","path":"..."}} or
 * {@code {"kind":"s3","endpoint":"http://...","region":"us-east-1","bucket":"...","prefix":"...",
 * "access_key":"...","secret_key":"...","path_style":true}}.
 */
public sealed interface RemoteStorageConfig {
  record None() implements RemoteStorageConfig {}

  record Directory(Path path) implements RemoteStorageConfig {
    public Directory {
      if (path == null || path.toString().isBlank()) {
        throw new IllegalArgumentException("remote_storage directory needs a path");
      }
    }
  }

  /**
   * @param endpoint  empty for AWS itself; else the server's URL ({@code http://127.0.0.1:9000})
   * @param prefix    keys live under it (no leading or trailing slash); empty for the bucket's root
   * @param accessKey empty = the SDK's default credential chain
   * @param pathStyle {@code http://host/bucket/key} addressing, which most compatible servers need
   */
  record S3(String endpoint, String region, String bucket, String prefix, String accessKey, String secretKey,
            boolean pathStyle) implements RemoteStorageConfig {
    public S3 {
      endpoint = endpoint == null ? "" : endpoint;
      region = region == null || region.isBlank() ? "us-east-1" : region;
      prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
      accessKey = accessKey == null ? "" : accessKey;
      secretKey = secretKey == null ? "" : secretKey;
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("remote_storage s3 needs a bucket");
      }
      if (!accessKey.isEmpty() && secretKey.isEmpty()) {
        throw new IllegalArgumentException("remote_storage s3 has an access_key but no secret_key");
      }
    }

    /** Without the secret, for logs and describing the stack. */
    @Override
    public String toString() {
      return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
          + ", pathStyle=" + pathStyle + "]";
    }
  }

  static RemoteStorageConfig none() {
    return new None();
  }

  default boolean enabled() {
    return !(this instanceof None);
  }

  default JsonObject toJson() {
    if (this instanceof Directory d) {
      return new JsonObject().put("kind", "directory").put("path", d.path().toString());
    }
    if (this instanceof S3 s) {
      return new JsonObject().put("kind", "s3").put("endpoint", s.endpoint()).put("region", s.region())
          .put("bucket", s.bucket()).put("prefix", s.prefix()).put("access_key", s.accessKey())
          .put("secret_key", s.secretKey()).put("path_style", s.pathStyle());
    }
    return new JsonObject().put("kind", "none");
  }

  /** Reads the JSON form; null or a missing kind is {@link None}; an unknown kind is refused. */
  public static RemoteStorageConfig fromJson(JsonObject json) {
    String kind = json == null ? "none" : json.getString("kind", "none");
    return switch (kind) {
      case "none" -> new None();
      case "directory" -> new Directory(Path.of(json.getString("path", "")));
      case "s3" -> new S3(json.getString("endpoint"), json.getString("region"), json.getString("bucket"),
          json.getString("prefix"), json.getString("access_key"), json.getString("secret_key"),
          json.getBoolean("path_style", true));
      default -> throw new IllegalArgumentException("remote_storage kind must be none, directory or s3, got " + kind);
    };
  }
}
