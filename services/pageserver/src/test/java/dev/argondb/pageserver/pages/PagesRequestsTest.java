package dev.argondb.pageserver.pages;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.bus.BusErrors;
import dev.argondb.bus.grpc.PagesRequest;
import dev.argondb.pageserver.PageserverException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagesRequestsTest {
  private static final PagesRequest GOOD = PagesRequest.newBuilder().setTenantId("t").setTimelineId("l").setLsn(1)
      .setPath("base/5/16384.1").setOffset(3 * 8192).setLength(1 << 20).build();

  @Test
  void wholePagesUpToOneMebibyteOfAPlainRelativePathAreAsked() {
    assertDoesNotThrow(() -> PagesRequests.check(GOOD));
    assertDoesNotThrow(() -> PagesRequests.check(GOOD.toBuilder().setLength(8192).setPath("PG_VERSION").build()));
    assertDoesNotThrow(() -> PagesRequests.check(GOOD.toBuilder().setOffset(-8192).build()),
        "an offset over 2^63 (uint64) is past every file's end, not malformed");
  }

  @Test
  void anythingElseIsABadRequest() {
    for (PagesRequest bad : List.of(GOOD.toBuilder().setLsn(0).build(),
        GOOD.toBuilder().setOffset(4096).build(),
        GOOD.toBuilder().setOffset(-1).build(), // uint64 2^64-1
        GOOD.toBuilder().setLength(0).build(),
        GOOD.toBuilder().setLength(4096).build(),
        GOOD.toBuilder().setLength((1 << 20) + 8192).build(),
        GOOD.toBuilder().setLength(-8192).build(), // uint32 just below 4 GiB
        GOOD.toBuilder().setPath("").build(),
        GOOD.toBuilder().setPath("/etc/passwd").build(),
        GOOD.toBuilder().setPath("base/../../etc/passwd").build(),
        GOOD.toBuilder().setPath("base/5/..").build(),
        GOOD.toBuilder().setPath("./base/5/16384").build(),
        GOOD.toBuilder().setPath("base//5/16384").build(),
        GOOD.toBuilder().setPath("base/5/").build())) {
      PageserverException refused = assertThrows(PageserverException.class, () -> PagesRequests.check(bad),
          bad.toString());
      assertEquals(BusErrors.BAD_REQUEST, refused.code());
    }
  }
}
