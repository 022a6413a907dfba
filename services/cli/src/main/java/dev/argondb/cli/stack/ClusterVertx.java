package dev.argondb.cli.stack;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.argondb.observability.ProcessMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * A Vert.x instance clustered with Hazelcast over TCP only (no multicast, no auto-detection), so
 * services talk over the same event bus whether they share a JVM or not.
 */
public final class ClusterVertx {
  private ClusterVertx() {}

  /**
   * @param clusterName members with other names never join each other (tests run several stacks)
   * @param host        address Hazelcast and the event bus bind and advertise
   * @param members     other members' {@code host:port}; empty for a single-member cluster
   */
  public static Future<Vertx> start(String clusterName, String host, List<String> members, ProcessMetrics metrics) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(clusterName);
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(!members.isEmpty()).setMembers(members);

    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost(host).setClusterPublicHost(host));
    return metrics.instrument(Vertx.builder(), options)
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered();
  }
}
