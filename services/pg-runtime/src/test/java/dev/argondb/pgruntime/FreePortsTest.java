package dev.argondb.pgruntime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void neverHandsOutAPortTwice() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      int port = FreePorts.pick();
      assertTrue(seen.add(port), "port " + port + " handed out twice");
    }
  }
}
