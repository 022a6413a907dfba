package dev.argondb.controlplane.wal;

import dev.argondb.bus.Bus;
import dev.argondb.bus.SafekeeperRef;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The safekeepers of the deployment and the quorum a COMMIT needs: asks all of them at once and
 * completes as soon as every one answered or failed.
 */
public final class SafekeeperSet {
  private final List<SafekeeperRef> safekeepers;
  private final int quorum;

  public SafekeeperSet(List<SafekeeperRef> safekeepers, int quorum) {
    if (!safekeepers.isEmpty() && (quorum < 1 || quorum > safekeepers.size())) {
      throw new IllegalArgumentException("quorum must be 1.." + safekeepers.size() + ", got " + quorum);
    }
    this.safekeepers = List.copyOf(safekeepers);
    this.quorum = quorum;
  }

  public boolean isEmpty() {
    return safekeepers.isEmpty();
  }

  public int quorum() {
    return quorum;
  }

  public List<String> ids() {
    return safekeepers.stream().map(SafekeeperRef::id).toList();
  }

  public SafekeeperRef byId(String id) {
    return safekeepers.stream().filter(ref -> ref.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown safekeeper " + id));
  }

  /** Sends one request to every safekeeper; the answers of those that replied within the timeout. */
  public <R> Future<List<R>> askAll(EventBus bus, Function<String, String> address, Object request, Class<R> reply,
                                    long timeoutMillis) {
    List<Future<R>> answers = new ArrayList<>();
    for (SafekeeperRef ref : safekeepers) {
      answers.add(Bus.request(bus, address.apply(ref.id()), request, reply, timeoutMillis));
    }
    Promise<List<R>> all = Promise.promise();
    Future.join(answers).onComplete(done -> {
      List<R> replied = new ArrayList<>();
      for (Future<R> answer : answers) {
        if (answer.succeeded()) {
          replied.add(answer.result());
        }
      }
      all.complete(replied);
    });
    return all.future();
  }
}
