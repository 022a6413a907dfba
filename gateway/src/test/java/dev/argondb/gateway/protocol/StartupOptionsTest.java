package dev.argondb.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.gateway.protocol.StartupOptions.EndpointSelection;
import org.junit.jupiter.api.Test;

class StartupOptionsTest {
  @Test
  void bareEndpointTokenIsTakenAndRemoved() throws Exception {
    assertEquals(new EndpointSelection("main", null), StartupOptions.extractEndpoint("endpoint=main"));
    assertEquals(new EndpointSelection("ep-1", "-c search_path=app --work_mem=64MB"),
        StartupOptions.extractEndpoint("-c search_path=app  endpoint=ep-1 --work_mem=64MB"));
  }

  @Test
  void switchFormsAreAccepted() throws Exception {
    assertEquals(new EndpointSelection("a", "-c x=1"), StartupOptions.extractEndpoint("--endpoint=a -c x=1"));
    assertEquals(new EndpointSelection("b", "-c x=1"), StartupOptions.extractEndpoint("-c endpoint=b -c x=1"));
    assertEquals(new EndpointSelection("c", null), StartupOptions.extractEndpoint("-cendpoint=c"));
  }

  @Test
  void optionsWithoutEndpointAreKeptVerbatim() throws Exception {
    assertEquals(new EndpointSelection(null, null), StartupOptions.extractEndpoint(null));
    assertEquals(new EndpointSelection(null, "-c application_name=a\\ b -c"),
        StartupOptions.extractEndpoint("-c application_name=a\\ b -c"));
    // A value that merely contains the word is not an endpoint switch.
    assertEquals(new EndpointSelection(null, "-c my.endpoint=x"), StartupOptions.extractEndpoint("-c my.endpoint=x"));
  }

  @Test
  void escapedSpacesBelongToTheToken() throws Exception {
    assertEquals(new EndpointSelection("a b", "-c x=1"), StartupOptions.extractEndpoint("endpoint=a\\ b -c x=1"));
  }

  @Test
  void conflictingOrEmptyEndpointsAreRefused() throws Exception {
    assertEquals(new EndpointSelection("a", null), StartupOptions.extractEndpoint("endpoint=a endpoint=a"));
    assertThrows(ProtocolViolation.class, () -> StartupOptions.extractEndpoint("endpoint=a endpoint=b"));
    assertThrows(ProtocolViolation.class, () -> StartupOptions.extractEndpoint("endpoint="));
  }
}
