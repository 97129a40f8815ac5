package org.apigw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void theStartBinApisixLaunches_isReadWithoutPicocli() {
    StartCommand start = Main.launchedStart(new String[] {"start", "--foreground", "-p", "/srv/gw", "-c", "/etc/gw.yaml"});
    assertTrue(start.foreground);
    assertEquals(Path.of("/srv/gw"), start.options.prefix);
    assertEquals(Path.of("/etc/gw.yaml"), start.options.config);
    StartCommand noConfig = Main.launchedStart(new String[] {"start", "--foreground", "-p", "/srv/gw"});
    assertNull(noConfig.options.config);
  }

  @Test
  void anyOtherForm_goesToPicocli() {
    assertNull(Main.launchedStart(new String[] {"start"}));
    assertNull(Main.launchedStart(new String[] {"start", "-p", "/srv/gw", "--foreground"}));
    assertNull(Main.launchedStart(new String[] {"start", "--foreground", "-p", "/srv/gw", "--takeover"}));
    assertNull(Main.launchedStart(new String[] {"start", "--foreground", "-p", "/srv/gw", "-c"}));
    assertNull(Main.launchedStart(new String[] {"stop", "--foreground", "-p", "/srv/gw"}));
  }
}
