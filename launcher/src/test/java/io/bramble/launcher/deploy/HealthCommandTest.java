package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.runtime.HealthServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code bramble health} against a real health server. */
class HealthCommandTest {
  @Test
  void theHealthCommandExitsZeroWhenReadyAndOneOtherwise() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        HealthServer.start(0, () -> new HealthServer.Readiness(ready.get(), "worker"))) {
      String url = "http://localhost:" + server.port() + "/health/ready";
      Launch notReady = new Launch(Map.of());
      assertThat(notReady.run("health", "--url", url)).isEqualTo(1);
      assertThat(notReady.err()).contains("503 not ready: worker");

      ready.set(true);
      assertThat(new Launch(Map.of()).run("health", "--url", url)).isEqualTo(0);
      assertThat(new Launch(Map.of("BRAMBLE_HEALTH_PORT", "" + server.port())).run("health"))
          .as("port from env")
          .isEqualTo(0);
      assertThat(new Launch(Map.of()).run("health", "--port", "" + server.port(), "--live"))
          .isEqualTo(0);
    }
  }

  @Test
  void theHealthCommandFailsWhenNothingListens() throws Exception {
    int port;
    try (HealthServer server = HealthServer.start(0, () -> HealthServer.Readiness.ready(""))) {
      port = server.port();
    }
    Launch launch = new Launch(Map.of());
    assertThat(launch.run("health", "--port", "" + port, "--timeout", "PT2S")).isEqualTo(1);
    assertThat(new Launch(Map.of()).run("health")).as("no port given").isEqualTo(2);
  }
}
