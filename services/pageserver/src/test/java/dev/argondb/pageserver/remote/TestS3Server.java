package dev.argondb.pageserver.remote;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.AuthenticationType;
import java.util.Properties;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-API server for tests: S3Proxy in this JVM over a filesystem blob store, on a fixed free port, so it
 * can be stopped (connections refused) and started again with the same objects.
 */
public final class TestS3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "argon-access";
  public static final String SECRET_KEY = "argon-secret-key";

  private final Path dir;
  private final int port;
  private S3Proxy proxy;
  private BlobStoreContext context;

  public TestS3Server(Path dir) throws Exception {
    this.dir = dir;
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
    start();
  }

  public synchronized void start() throws Exception {
    java.nio.file.Files.createDirectories(dir);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(properties)
        .build(BlobStoreContext.class);
    proxy = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
  }

  public synchronized void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
      context.close();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Where the server keeps objects: {@code <dir>/<bucket>/<key>}. */
  public Path dir() {
    return dir;
  }

  public int port() {
    return port;
  }

  public RemoteStorageConfig.S3 config(String bucket, String prefix) {
    return configAt(endpoint(), bucket, prefix);
  }

  /** This server's bucket and credentials at another endpoint: a proxy in front of it. */
  public RemoteStorageConfig.S3 configAt(String endpoint, String bucket, String prefix) {
    return new RemoteStorageConfig.S3(endpoint, "us-east-1", bucket, prefix, ACCESS_KEY, SECRET_KEY, true);
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
