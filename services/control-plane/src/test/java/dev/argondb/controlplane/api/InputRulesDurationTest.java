package dev.argondb.controlplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.controlplane.ControlPlaneError;
import org.junit.jupiter.api.Test;

/** PITR windows as people write them, and back. */
class InputRulesDurationTest {

  @Test
  void shortFormsAndIso8601AreRead() {
    assertEquals(7 * 86_400, InputRules.duration("pitr_interval", "7d"));
    assertEquals(2 * 604_800, InputRules.duration("pitr_interval", "2w"));
    assertEquals(12 * 3600, InputRules.duration("pitr_interval", "12h"));
    assertEquals(30 * 60, InputRules.duration("pitr_interval", "30m"));
    assertEquals(45, InputRules.duration("pitr_interval", " 45s "));
    assertEquals(0, InputRules.duration("pitr_interval", "0s"));
    assertEquals(3600, InputRules.duration("pitr_interval", "PT1H"));
    assertEquals(7 * 86_400, InputRules.duration("pitr_interval", "p7d"));
  }

  @Test
  void anythingElseIsABadRequestNamingTheField() {
    for (String bad : new String[] {null, "", "7", "7 days", "-1h", "PT-1H", "1y", "3651d", "d7"}) {
      ControlPlaneError error = assertThrows(ControlPlaneError.class, () -> InputRules.duration("pitr_interval", bad),
          String.valueOf(bad));
      assertEquals(400, error.status());
      assertEquals(true, error.getMessage().contains("pitr_interval"), error.getMessage());
    }
  }

  @Test
  void aDurationIsShownInItsLargestWholeUnit() {
    assertEquals("7d", InputRules.formatDuration(604_800));
    assertEquals("1h", InputRules.formatDuration(3600));
    assertEquals("90m", InputRules.formatDuration(5400));
    assertEquals("61s", InputRules.formatDuration(61));
    assertEquals("0s", InputRules.formatDuration(0));
  }
}
