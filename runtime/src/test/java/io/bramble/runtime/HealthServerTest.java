package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private static final HttpClient http = HttpClient.newHttpClient();

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void itListensOnThisMachineOnlyUnlessToldOtherwise() throws Exception {
    try (HealthServer local = HealthServer.start(0, () -> HealthServer.Readiness.ready("ok"));
        HealthServer everywhere =
            HealthServer.start("0.0.0.0", 0, () -> HealthServer.Readiness.ready("ok"), null)) {
      assertThat(local.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(everywhere.address().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(get(everywhere.port(), "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void liveWhileRunningReadyOnlyWhenTheCheckSaysSo() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        HealthServer.start(0, () -> new HealthServer.Readiness(ready.get(), "streams X"))) {
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
    var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.counter("bramble.tasks.started", "worker", "w1").increment(3);
    try (HealthServer server =
        HealthServer.start(
            HealthServer.DEFAULT_HOST, 0, () -> HealthServer.Readiness.ready("ok"), meters)) {
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("bramble_tasks_started_total{worker=\"w1\"} 3.0");
    }
  }

  @Test
  void aFailingCheckIsNotReadyAndOtherPathsAreNotFound() throws Exception {
    try (HealthServer server =
        HealthServer.start(
            0,
            () -> {
              throw new IllegalStateException("boom");
            })) {
      assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(server.port(), "/health/ready").body()).contains("boom");
      assertThat(get(server.port(), "/health/readyz").statusCode()).isEqualTo(404);
      assertThat(get(server.port(), "/").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + server.port() + "/health/live"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }
}
