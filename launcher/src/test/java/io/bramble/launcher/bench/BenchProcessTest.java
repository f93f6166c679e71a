package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchProcessTest {
  @Test
  void samplesOfAMetricAreSummedOverTheLabelsAsked() {
    String exposition =
        "# HELP jvm_memory_used_bytes\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1048576.0\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2097152.0\n"
            + "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9999999.0\n"
            + "bramble_join_results_total 42.0\n";
    assertThat(BenchProcess.sum(exposition, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(3 * 1048576.0);
    assertThat(BenchProcess.sum(exposition, "bramble_join_results_total", "")).isEqualTo(42.0);
  }
}
