package dev.argondb.controlplane.roles;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.RoleVerifierLookup;
import dev.argondb.controlplane.db.RoleStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link BusAddresses#ROLE_VERIFIER_LOOKUP}: the gateway authenticates every client against the
 * verifier this returns. Only verifiers cross the bus, never passwords.
 */
public final class RoleVerifierVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RoleVerifierVerticle.class);

  private final RoleStore roles;

  public RoleVerifierVerticle(RoleStore roles) {
    this.roles = roles;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<RoleVerifierLookup>consumer(BusAddresses.ROLE_VERIFIER_LOOKUP, this::onLookup)
        .completion();
  }

  private void onLookup(Message<RoleVerifierLookup> message) {
    RoleVerifierLookup lookup = message.body();
    roles.verifierForEndpoint(lookup.endpointName(), lookup.roleName()).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("Role lookup for endpoint \"{}\" failed: {}", lookup.endpointName(), result.cause().toString());
        message.fail(BusErrors.INTERNAL, "role lookup failed");
      } else if (result.result() == null) {
        message.fail(BusErrors.NOT_FOUND, "endpoint \"" + lookup.endpointName() + "\" not found");
      } else {
        message.reply(result.result());
      }
    });
  }
}
