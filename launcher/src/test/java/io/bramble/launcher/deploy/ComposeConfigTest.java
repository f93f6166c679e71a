package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.settings.Setting;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * compose.yaml and compose.ha.yaml configure Bramble's services only with variables the launcher
 * reads, and they wait for health.
 */
class ComposeConfigTest {
  /** A compose file, the names of its Bramble services (the image's commands) and brokers. */
  record Compose(
      String file, List<String> brambleServices, List<String> brokers, JsonNode services) {
    /**
     * Reads the file with SnakeYAML: unlike Jackson's YAML parser it resolves the anchors and
     * {@code <<} merge keys compose.ha.yaml shares its blocks with, as docker compose does.
     */
    static Compose read(String file, List<String> brambleServices, List<String> brokers) {
      try (Reader in = Files.newBufferedReader(Path.of("..", file))) {
        Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        JsonNode services = new ObjectMapper().valueToTree(yaml).get("services");
        assertThat(services).as(file + " services").isNotNull();
        return new Compose(file, brambleServices, brokers, services);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Map<String, String> environment(String service) {
      JsonNode env = services.get(service).get("environment");
      assertThat(env).as(file + ": " + service + " environment").isNotNull();
      assertThat(env.isObject()).as(service + ": environment as a map, KEY: value").isTrue();
      Map<String, String> out = new LinkedHashMap<>();
      env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }

    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Compose> composeFiles() {
    return Stream.of(
        Compose.read(
            "compose.yaml", List.of("coordinator", "worker", "worker-gpu", "ui"), List.of("kafka")),
        Compose.read(
            "compose.ha.yaml",
            List.of("coordinator-1", "coordinator-2", "worker", "ui"),
            List.of("kafka-1", "kafka-2", "kafka-3")));
  }

  @ParameterizedTest
  @MethodSource("composeFiles")
  void everyBrambleVariableOfTheServicesIsOneTheLauncherReads(Compose compose) {
    List<String> unknown = new ArrayList<>();
    for (String service : compose.brambleServices()) {
      Map<String, String> env = compose.environment(service);
      assertThat(env.keySet())
          .as(service + " is configured by BRAMBLE_* variables")
          .anyMatch(k -> k.startsWith("BRAMBLE_"));
      env.keySet().stream()
          .filter(k -> k.startsWith("BRAMBLE_") && !Setting.environmentVariables().contains(k))
          .forEach(k -> unknown.add(service + ": " + k));
    }
    assertThat(unknown).as(compose + ": variables no Setting reads").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("composeFiles")
  void theLauncherAcceptsEachServicesEnvironment(Compose compose) {
    // A bad value fails before any connection: exit code 2. `health` with the service's environment
    // resolves its port, so an accepted environment gets as far as a refused connection (exit code
    // 1). The UI has no health port.
    for (String service : compose.brambleServices()) {
      if (service.equals("ui")) {
        continue;
      }
      Map<String, String> env = compose.environment(service);
      Launch launch = new Launch(env);
      assertThat(launch.run("health", "--timeout", "PT1S"))
          .as(compose + ": " + service + ": " + launch.err())
          .isEqualTo(1);
      assertThat(launch.err())
          .contains("http://localhost:" + env.get("BRAMBLE_HEALTH_PORT") + "/health/ready");
    }
  }

  @ParameterizedTest
  @MethodSource("composeFiles")
  void brambleServicesUseTheLocalImageAndWaitForHealthyDependencies(Compose compose) {
    JsonNode services = compose.services();
    for (String service : compose.brambleServices()) {
      JsonNode s = services.get(service);
      assertThat(s.path("build").asText()).as(service + " build").isEqualTo(".");
      assertThat(s.path("image").asText()).as(service + " image").isEqualTo("bramble:local");
      assertThat(s.path("healthcheck").path("test").toString())
          .as(service + " healthcheck")
          .contains("bramble", "health");
      JsonNode deps = s.path("depends_on");
      assertThat(deps.isObject()).as(service + " depends_on with conditions").isTrue();
      String bootstrap = compose.environment(service).get("BRAMBLE_BOOTSTRAP_SERVERS");
      for (String broker : compose.brokers()) {
        assertThat(deps.has(broker)).as(service + " waits for " + broker).isTrue();
        assertThat(bootstrap).as(service + " bootstrap servers").contains(broker + ":29092");
      }
      deps.fields()
          .forEachRemaining(
              d ->
                  assertThat(d.getValue().path("condition").asText())
                      .as(service + " waits for " + d.getKey())
                      .isEqualTo("service_healthy"));
    }
    for (String infra : compose.brokers()) {
      assertThat(services.get(infra).path("image").asText()).isEqualTo("apache/kafka:4.3.1");
      assertThat(services.get(infra).has("healthcheck")).as(infra + " healthcheck").isTrue();
    }
    assertThat(services.get("schema-registry").has("healthcheck"))
        .as("schema-registry healthcheck")
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("composeFiles")
  void workersScale(Compose compose) {
    JsonNode worker = compose.services().get("worker");
    assertThat(worker.has("container_name"))
        .as("a fixed container name prevents --scale")
        .isFalse();
    assertThat(worker.has("ports")).as("fixed host ports prevent --scale").isFalse();
  }

  @ParameterizedTest
  @MethodSource("composeFiles")
  void publishedPortsBindToLoopbackUnlessOpenedDeliberately(Compose compose) {
    compose
        .services()
        .fields()
        .forEachRemaining(
            service -> {
              JsonNode ports = service.getValue().get("ports");
              if (ports != null) {
                ports.forEach(
                    p ->
                        assertThat(p.asText())
                            .as(compose + ": " + service.getKey() + " port " + p.asText())
                            .startsWith("${HOST_BIND_ADDRESS:-127.0.0.1}:"));
              }
            });
  }
}
