package dev.argondb.bus;

import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers a codec for every message record; must run on every node before it sends or consumes. */
public final class BusCodecs {
  private BusCodecs() {}

  static final List<Class<?>> MESSAGE_TYPES = List.of(
      WakeEndpoint.class, EndpointAddress.class,
      StartCompute.class, ComputeStarted.class,
      StopCompute.class, ComputeStopped.class,
      ComputeStateChanged.class, EndpointConnections.class,
      GetTimelineState.class, TimelineState.class, PrepareTerm.class, FollowCompute.class, StopFollowing.class,
      SafekeeperFlushed.class, SafekeeperStarted.class,
      RoleVerifierLookup.class, RoleVerifier.class,
      SyncComputeRoles.class, ComputeRolesSynced.class,
      PageserverCreateTimeline.class, PageserverGetTimeline.class, PageserverTimelineInfo.class,
      PageserverFollowTimeline.class, PageserverLsnForTime.class, PageserverLsnAtTime.class,
      PageserverDeleteTimeline.class,
      PageserverCheckLsn.class, PageserverCatchUp.class,
      RoleChanged.class, PageserverRemoteConsistent.class,
      PageserverTenantConfig.class, PageserverSnapshot.class, PageserverCreateSnapshot.class,
      PageserverListSnapshots.class, PageserverSnapshots.class, PageserverDeleteSnapshot.class,
      PageserverRunGc.class, PageserverGcResult.class);

  public static void registerAll(EventBus bus) {
    for (Class<?> type : MESSAGE_TYPES) {
      register(bus, type);
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // Several services share one Vert.x in the local stack; each registers at start.
    }
  }
}
