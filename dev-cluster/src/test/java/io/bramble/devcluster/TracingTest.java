package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.StepSpans;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One job is one trace: the coordinator's and every worker's spans share its trace id. */
class TracingTest {
  @TempDir Path dir;

  @Test
  void aDistributedJobIsOneTraceAcrossCoordinatorAndWorkers() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    try (DevCluster cluster =
            DevCluster.start(dir, GraphRegistry.of(new TestGraphs.FanOut()), 2, 4, 0, 0, otel);
        JobClient client = cluster.client()) {
      var job = JobClient.request("traced-1", "fanout", State.of("n", 6, "sleep_ms", 0), Map.of());
      client.submit(job);
      assertThat(client.await(job, Duration.ofMinutes(1), null).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
    otel.getSdkTracerProvider().forceFlush();
    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData root =
        spans.stream()
            .filter(s -> s.getName().equals("bramble.job fanout"))
            .findFirst()
            .orElseThrow();
    List<SpanData> trace =
        spans.stream().filter(s -> s.getTraceId().equals(root.getTraceId())).toList();

    Set<String> names = trace.stream().map(SpanData::getName).collect(Collectors.toSet());
    assertThat(names)
        .contains(
            "bramble.job fanout",
            "bramble.task fanout",
            "bramble.step prepare",
            "bramble.fan-out fan_out",
            "bramble.step tick",
            "bramble.step done",
            "bramble.join fan_out",
            "bramble.step fan_out",
            "bramble.step summarize",
            "bramble.job.done fanout");
    Set<String> processes =
        trace.stream()
            .map(s -> s.getAttributes().get(StepSpans.PROCESS))
            .collect(Collectors.toSet());
    assertThat(processes)
        .contains("coordinator")
        .anyMatch(p -> p != null && p.startsWith("worker-"));
    assertThat(trace.stream().filter(s -> s.getName().equals("bramble.step tick"))).hasSize(6 * 3);
    assertThat(trace.stream().filter(s -> s.getName().equals("bramble.step fan_out")))
        .as("the reduce: a step on a worker")
        .singleElement()
        .satisfies(s -> assertThat(s.getAttributes().get(StepSpans.PROCESS)).startsWith("worker-"));
    assertThat(trace.stream().filter(s -> s.getName().startsWith("bramble.step")))
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isNotEqualTo(SpanId.getInvalid()));
  }
}
