package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationTest {
  @Test
  void threeReplicasOrMoreWantTwoInSyncFewerOne() {
    assertThat(Replication.of(3).minInsyncReplicas()).isEqualTo(2);
    assertThat(Replication.of(5).minInsyncReplicas()).isEqualTo(2);
    assertThat(Replication.of(2).minInsyncReplicas()).isEqualTo(1);
    assertThat(Replication.of(3).topicConfigs()).isEqualTo(Map.of("min.insync.replicas", "2"));
    assertThat(Replication.of(3).newTopicFactor()).contains((short) 3);
  }

  @Test
  void unsetTheBrokersDecide() {
    assertThat(Replication.DEFAULTS.newTopicFactor()).isEqualTo(Optional.empty());
    assertThat(Replication.DEFAULTS.topicConfigs()).isEmpty();
  }

  @Test
  void settingsNoWriteCouldSatisfyAreRefused() {
    assertThatThrownBy(() -> new Replication(2, 3))
        .hasMessage(
            "min.insync.replicas 3 is more than the replication factor 2: no write could"
                + " succeed");
    assertThatThrownBy(() -> new Replication(Replication.BROKER_DEFAULT, 2))
        .hasMessage("min.insync.replicas needs a replication factor set beside it");
    assertThatThrownBy(() -> new Replication(0, 1)).hasMessageContaining("between 1 and");
  }
}
