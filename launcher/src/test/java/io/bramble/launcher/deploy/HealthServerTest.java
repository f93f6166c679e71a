package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.launcher.cluster.HealthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private static final HttpClient http = HttpClient.newHttpClient();

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void liveWhileRunningReadyOnlyWhenTheCheckSaysSo() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server = HealthServer.start(0, () -> new HealthServer.Readiness(ready.get(), "streams X"))) {
      assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(server.port(), "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("not ready: streams X\n");

      ready.set(true);
      HttpResponse<String> isReady = get(server.port(), "/health/ready");
      assertThat(isReady.statusCode()).isEqualTo(200);
      assertThat(isReady.body()).isEqualTo("ready: streams X\n");
    }
  }

  @Test
  void metricsAreServedInPrometheusFormat() throws Exception {
    var meters = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    meters.counter("bramble.tasks.started", "worker", "w1").increment(3);
    try (HealthServer server = HealthServer.start(0, () -> HealthServer.Readiness.ready("ok"), meters)) {
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("bramble_tasks_started_total{worker=\"w1\"} 3.0");
    }
  }

  @Test
  void aFailingCheckIsNotReadyAndOtherPathsAreNotFound() throws Exception {
    try (HealthServer server = HealthServer.start(0, () -> {
      throw new IllegalStateException("boom");
    })) {
      assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(server.port(), "/health/ready").body()).contains("boom");
      assertThat(get(server.port(), "/health/readyz").statusCode()).isEqualTo(404);
      assertThat(get(server.port(), "/").statusCode()).isEqualTo(404);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port()
          + "/health/live")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theHealthCommandExitsZeroWhenReadyAndOneOtherwise() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server = HealthServer.start(0, () -> new HealthServer.Readiness(ready.get(), "worker"))) {
      String url = "http://localhost:" + server.port() + "/health/ready";
      Launch notReady = new Launch(Map.of());
      assertThat(notReady.run("health", "--url", url)).isEqualTo(1);
      assertThat(notReady.err()).contains("503 not ready: worker");

      ready.set(true);
      assertThat(new Launch(Map.of()).run("health", "--url", url)).isEqualTo(0);
      assertThat(new Launch(Map.of("BRAMBLE_HEALTH_PORT", "" + server.port())).run("health")).as("port from env").isEqualTo(0);
      assertThat(new Launch(Map.of()).run("health", "--port", "" + server.port(), "--live")).isEqualTo(0);
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
