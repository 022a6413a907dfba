package dev.argondb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusErrors;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

class WakeFailuresTest {
  @Test
  void notFoundBecomesInvalidCatalogName() {
    SessionFailure failure = WakeFailures.describe("ep1",
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusErrors.NOT_FOUND, "no such endpoint"), 60_000);
    assertEquals("3D000", failure.sqlState());
    assertEquals("endpoint \"ep1\" not found", failure.message());
    assertEquals(ConnectionOutcome.UNKNOWN_ENDPOINT, failure.outcome());
  }

  @Test
  void otherFailuresBecomeCannotConnectNowNamingEndpointAndReason() {
    SessionFailure unavailable = WakeFailures.describe("ep1",
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusErrors.UNAVAILABLE, "compute agent is down"), 60_000);
    assertEquals("57P03", unavailable.sqlState());
    assertEquals("cannot wake endpoint \"ep1\": compute agent is down", unavailable.message());
    assertEquals(ConnectionOutcome.WAKE_FAILED, unavailable.outcome());

    SessionFailure timeout = WakeFailures.describe("ep1", new ReplyException(ReplyFailure.TIMEOUT, "timeout"), 1234);
    assertEquals("57P03", timeout.sqlState());
    assertTrue(timeout.message().contains("\"ep1\"") && timeout.message().contains("1234 ms"), timeout.message());

    SessionFailure noControlPlane = WakeFailures.describe("ep1", new ReplyException(ReplyFailure.NO_HANDLERS, "x"), 1);
    assertEquals("57P03", noControlPlane.sqlState());
    assertTrue(noControlPlane.message().contains("control plane"), noControlPlane.message());
  }
}
