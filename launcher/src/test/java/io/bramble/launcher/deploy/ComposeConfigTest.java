package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bramble.launcher.settings.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * compose.yaml configures Bramble's services only with variables the launcher reads, and they wait
 * for health.
 */
class ComposeConfigTest {
  private static final List<String> BRAMBLE_SERVICES =
      List.of("coordinator", "worker", "worker-gpu", "ui");
  private static JsonNode services;

  @BeforeAll
  static void parse() throws Exception {
    services =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("..", "compose.yaml").toFile())
            .get("services");
    assertThat(services).as("compose.yaml services").isNotNull();
  }

  private static Map<String, String> environment(String service) {
    JsonNode env = services.get(service).get("environment");
    assertThat(env).as(service + " environment").isNotNull();
    assertThat(env.isObject()).as(service + ": environment as a map, KEY: value").isTrue();
    Map<String, String> out = new LinkedHashMap<>();
    env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  @Test
  void everyBrambleVariableOfTheServicesIsOneTheLauncherReads() {
    List<String> unknown = new ArrayList<>();
    for (String service : BRAMBLE_SERVICES) {
      Map<String, String> env = environment(service);
      assertThat(env.keySet())
          .as(service + " is configured by BRAMBLE_* variables")
          .anyMatch(k -> k.startsWith("BRAMBLE_"));
      env.keySet().stream()
          .filter(k -> k.startsWith("BRAMBLE_") && !Setting.environmentVariables().contains(k))
          .forEach(k -> unknown.add(service + ": " + k));
    }
    assertThat(unknown).as("variables no Setting reads").isEmpty();
  }

  @Test
  void theLauncherAcceptsEachServicesEnvironment() {
    // A bad value fails before any connection: exit code 2. `health` with the service's environment
    // resolves its port, so an accepted environment gets as far as a refused connection (exit code
    // 1).
    for (String service : List.of("coordinator", "worker", "worker-gpu")) {
      Launch launch = new Launch(environment(service));
      assertThat(launch.run("health", "--timeout", "PT1S"))
          .as(service + ": " + launch.err())
          .isEqualTo(1);
      assertThat(launch.err())
          .contains(
              "http://localhost:"
                  + environment(service).get("BRAMBLE_HEALTH_PORT")
                  + "/health/ready");
    }
  }

  @Test
  void brambleServicesUseTheLocalImageAndWaitForHealthyDependencies() {
    for (String service : BRAMBLE_SERVICES) {
      JsonNode s = services.get(service);
      assertThat(s.path("build").asText()).as(service + " build").isEqualTo(".");
      assertThat(s.path("image").asText()).as(service + " image").isEqualTo("bramble:local");
      assertThat(s.path("healthcheck").path("test").toString())
          .as(service + " healthcheck")
          .contains("bramble", "health");
      JsonNode deps = s.path("depends_on");
      assertThat(deps.isObject()).as(service + " depends_on with conditions").isTrue();
      assertThat(deps.has("kafka")).as(service + " waits for kafka").isTrue();
      deps.fields()
          .forEachRemaining(
              d ->
                  assertThat(d.getValue().path("condition").asText())
                      .as(service + " waits for " + d.getKey())
                      .isEqualTo("service_healthy"));
    }
    for (String infra : List.of("kafka", "schema-registry")) {
      assertThat(services.get(infra).has("healthcheck")).as(infra + " healthcheck").isTrue();
    }
    assertThat(services.get("kafka").path("image").asText()).isEqualTo("apache/kafka:4.3.1");
  }

  @Test
  void workersScale() {
    JsonNode worker = services.get("worker");
    assertThat(worker.has("container_name"))
        .as("a fixed container name prevents --scale")
        .isFalse();
    assertThat(worker.has("ports")).as("fixed host ports prevent --scale").isFalse();
  }

  @Test
  void publishedPortsBindToLoopbackUnlessOpenedDeliberately() {
    services
        .fields()
        .forEachRemaining(
            service -> {
              JsonNode ports = service.getValue().get("ports");
              if (ports != null) {
                ports.forEach(
                    p ->
                        assertThat(p.asText())
                            .as(service.getKey() + " port " + p.asText())
                            .startsWith("${HOST_BIND_ADDRESS:-127.0.0.1}:"));
              }
            });
  }
}
