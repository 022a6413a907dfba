package dev.argondb.controlplane.testing;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusCodecs;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.ComputeStarted;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.StopCompute;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the compute agent on the event bus: answers COMPUTE_START and COMPUTE_STOP after a
 * configurable delay and records every request with the time it arrived.
 */
public final class FakeComputeAgent {
  public record Received<T>(T request, long atMillis) {}

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 55432;

  public final List<Received<StartCompute>> starts = new CopyOnWriteArrayList<>();
  public final List<Received<StopCompute>> stops = new CopyOnWriteArrayList<>();
  public volatile long startDelayMillis = 1;
  public volatile long stopDelayMillis = 1;
  public volatile String failStartsWith;
  public volatile boolean refuseStopAsBusy;
  private final MessageConsumer<StartCompute> startConsumer;
  private final MessageConsumer<StopCompute> stopConsumer;

  public FakeComputeAgent(Vertx vertx) {
    BusCodecs.registerAll(vertx.eventBus());
    startConsumer = vertx.eventBus().consumer(BusAddresses.COMPUTE_START, message -> {
      starts.add(new Received<>(message.body(), System.currentTimeMillis()));
      vertx.setTimer(startDelayMillis, t -> {
        String failure = failStartsWith;
        if (failure != null) {
          message.fail(BusErrors.INTERNAL, failure);
        } else {
          message.reply(new ComputeStarted(message.body().endpointId(), HOST, PORT, startDelayMillis, false, 0));
        }
      });
    });
    stopConsumer = vertx.eventBus().consumer(BusAddresses.COMPUTE_STOP, message -> {
      stops.add(new Received<>(message.body(), System.currentTimeMillis()));
      vertx.setTimer(stopDelayMillis, t -> message.reply(refuseStopAsBusy
          ? new ComputeStopped(message.body().endpointId(), false, "1 client backend connected", 0)
          : new ComputeStopped(message.body().endpointId(), true, null, 0)));
    });
    startConsumer.completion().await();
    stopConsumer.completion().await();
  }
}
