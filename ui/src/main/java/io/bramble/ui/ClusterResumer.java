package io.bramble.ui;

import io.bramble.client.JobClient;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** Resumes through a cluster's jobs topic with a {@link JobClient}, made on the first resume. */
public final class ClusterResumer implements Resumer {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

  private final ClusterConfig cluster;
  private final SchemaRegistry schemas;
  private JobClient client;

  public ClusterResumer(ClusterConfig cluster, SchemaRegistry schemas) {
    this.cluster = cluster;
    this.schemas = schemas;
  }

  @Override
  public Resumed resume(String appId, Map<String, Object> inputs) throws TimeoutException {
    // a refusal is a ResumeRefusedException, an IllegalStateException with the coordinator's reason
    JobClient.Resumed r =
        client().resume(JobClient.resumeOf(appId).inputs(inputs).build(), ANSWER_WITHIN);
    return new Resumed(r.appId(), r.rootAppId(), r.sequenceId(), r.action());
  }

  private synchronized JobClient client() {
    if (client == null) {
      client = new JobClient(cluster, schemas);
    }
    return client;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
  }
}
