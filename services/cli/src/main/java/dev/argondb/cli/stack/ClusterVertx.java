package dev.argondb.cli.stack;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.argondb.observability.ProcessMetrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A Vert.x instance clustered with Hazelcast over TCP only (no multicast, no auto-detection), so
 * services talk over the same event bus whether they share a JVM or not. Exports
 * {@code argon_cluster_members}, the members this JVM sees.
 */
public final class ClusterVertx {
  private ClusterVertx() {}

  /** Resolves a host name (blocking DNS: call it before Vert.x runs, as {@code argon service} does). */
  public static Future<Vertx> start(ClusterSettings cluster, ProcessMetrics metrics) {
    String address;
    try {
      // Hazelcast's interface list takes addresses only; compose gives service names.
      address = InetAddress.getByName(cluster.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(new IllegalArgumentException("cannot resolve cluster host " + cluster.host(), e));
    }
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(cluster.name());
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    // Bind and advertise the member's own address, not 0.0.0.0: members on 127.0.0.2 and 127.0.0.3 are then
    // really apart. An explicit local address, since interface matching sees only 127.0.0.1 on loopback.
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    hazelcast.setProperty("hazelcast.local.localAddress", address);
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(!cluster.members().isEmpty()).setMembers(cluster.members());

    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost(address).setClusterPublicHost(address))
        // epoll: the compute agent reaches its computes over Unix sockets, which the NIO transport cannot.
        .setPreferNativeTransport(true);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcast);
    return metrics.instrument(Vertx.builder(), options)
        .withClusterManager(clusterManager)
        .buildClustered()
        .onSuccess(vertx -> Gauge.builder("argon.cluster.members", clusterManager, ClusterVertx::memberCount)
            .description("Members of the Hazelcast cluster this JVM sees")
            .strongReference(true)
            .register(metrics.registry()));
  }

  private static double memberCount(HazelcastClusterManager clusterManager) {
    try {
      return clusterManager.getNodes().size();
    } catch (RuntimeException closed) {
      return Double.NaN;
    }
  }
}
