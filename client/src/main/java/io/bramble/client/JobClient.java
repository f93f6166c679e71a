package io.bramble.client;

import io.bramble.core.state.State;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.runtime.values.ValueOffload;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStores;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits jobs (a JobRequest on the jobs topic) and waits for their results, which one consumer
 * follows on the compacted job-results topic for the client's life ({@link JobResults}); a wait
 * that follows join progress also reads the events topic from the job's submission on. Use one
 * client for many jobs: it is thread-safe.
 */
public final class JobClient implements AutoCloseable {
  /**
   * Progress of the joins under one job: children reported so far out of children launched; and the
   * pools where tasks of the job wait with no worker to take them, each with how many tasks wait
   * there (of every job).
   */
  public record Progress(long done, long total, Map<String, Long> waitingForPools) {
    public Progress {
      waitingForPools = Map.copyOf(waitingForPools);
    }

    public Progress(long done, long total) {
      this(done, total, Map.of());
    }
  }

  /**
   * A resume the coordinator accepted: app {@code appId} of job {@code rootAppId} continues at step
   * {@code sequenceId} ({@code action}); {@link #await(Resumed, Duration, Consumer)} waits for the
   * job's next result.
   */
  public record Resumed(
      String appId, String rootAppId, long sequenceId, String action, long requestedAtMs) {}

  private final ClusterConfig cluster;
  private final KafkaProducer<String, JobRequest> producer;
  private final JobResults results;
  private final AvroSerde<TrackingEvent> eventSerde;
  private final AvroSerde<StreamChunk> chunkSerde;

  /** Opened on first need: a client that moves only small states opens no value store. */
  private ValueStore values;

  private boolean closed; // guarded by this

  public JobClient(ClusterConfig cluster, SchemaRegistry schemas) {
    this.cluster = cluster;
    Map<String, Object> props = new HashMap<>(cluster.clientProps());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer =
        new KafkaProducer<>(
            props, new StringSerializer(), BrambleSerdes.forType(JobRequest.class, schemas));
    this.results =
        new JobResults(
            cluster.clientProps(),
            cluster.topics().jobResults(),
            BrambleSerdes.forType(io.bramble.schemas.avro.JobResult.class, schemas));
    this.eventSerde = BrambleSerdes.forType(TrackingEvent.class, schemas);
    this.chunkSerde = BrambleSerdes.forType(StreamChunk.class, schemas);
  }

  /** A job of {@code graph} as app {@code appId}: state, inputs, halts and the rest to add. */
  public static JobRequestBuilder job(String appId, String graph) {
    return JobRequestBuilder.job(appId, graph);
  }

  /** The resume of halted app {@code appId} (a root or a child): inputs and halts to add. */
  public static JobRequestBuilder resumeOf(String appId) {
    return JobRequestBuilder.resume(appId);
  }

  /** A job with a state and inputs, nothing else: {@code job(appId, graph)} in one call. */
  public static JobRequest request(String appId, String graph, State state, Map<String, ?> inputs) {
    return job(appId, graph).state(state).inputs(inputs).build();
  }

  /**
   * Produces the job and waits for the broker's acknowledgement. A state value too large for a
   * record is first kept in the cluster's value store (once), and the job carries its reference.
   */
  public void submit(JobRequest job) {
    JobRequest sent = withLargeValuesStored(job);
    try {
      producer.send(new ProducerRecord<>(cluster.topics().jobs(), sent.getAppId(), sent)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while submitting job " + job.getAppId(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot submit job "
              + job.getAppId()
              + " to "
              + cluster.topics().jobs()
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * Waits for the result of {@code appId}; reports join progress of its tree to {@code progress}
   * (may be null).
   */
  public JobResult await(String appId, Duration timeout, Consumer<Progress> progress)
      throws TimeoutException {
    return await(appId, timeout, progress, null);
  }

  /**
   * As {@link #await(String, Duration, Consumer)}, also handing every tracking event of the job's
   * tree to {@code events} (may be null).
   */
  public JobResult await(
      String appId, Duration timeout, Consumer<Progress> progress, Consumer<TrackingEvent> events)
      throws TimeoutException {
    return toResult(await(appId, 0, timeout, progress, events));
  }

  /**
   * Waits for the result of {@code job}: a failed result of an earlier submission of the same app
   * id (the attempt {@code job} retries) is skipped; any other result of the app id is its answer
   * (a job already done or still running is not run again).
   */
  public JobResult await(JobRequest job, Duration timeout, Consumer<Progress> progress)
      throws TimeoutException {
    return await(job, timeout, progress, null);
  }

  /**
   * As {@link #await(JobRequest, Duration, Consumer)}, also handing every tracking event of the
   * job's tree to {@code events} (may be null): read from the job's submission on.
   */
  public JobResult await(
      JobRequest job, Duration timeout, Consumer<Progress> progress, Consumer<TrackingEvent> events)
      throws TimeoutException {
    return toResult(await(job.getAppId(), job.getSubmittedAtMs(), timeout, progress, events));
  }

  /**
   * Follows the stream of job {@code rootAppId}'s tree: the partial results its steps emit (every
   * child's too, labelled), handed to {@code chunks} on a thread of the subscription's own as they
   * arrive. From the time {@code fromMs} (a job's submission: {@code job.getSubmittedAtMs()}; 0:
   * from the oldest the streams topic keeps, an hour by default). After the job's result, {@link
   * ChunkSubscription#drain} delivers the rest: every chunk of a step is written before the step's
   * result.
   */
  public ChunkSubscription subscribe(
      String rootAppId, long fromMs, Consumer<StreamedChunk> chunks) {
    return new ChunkSubscription(cluster, chunkSerde, rootAppId, fromMs, chunks);
  }

  /**
   * Waits for the result of {@code job} (as {@link #await(JobRequest, Duration, Consumer)}),
   * handing {@code chunks} every partial result of its tree before returning it.
   */
  public JobResult awaitStreaming(JobRequest job, Duration timeout, Consumer<StreamedChunk> chunks)
      throws TimeoutException {
    try (ChunkSubscription stream = subscribe(job.getAppId(), job.getSubmittedAtMs(), chunks)) {
      JobResult result = await(job, timeout, null);
      stream.drain(timeout);
      return result;
    }
  }

  /**
   * Submits {@code resume} (built by {@link #resumeOf}) and waits for the coordinator's answer: the
   * app continues ({@link Resumed}), or a {@link ResumeRefusedException} says why it cannot (it is
   * not halted: running, completed, failed or unknown; or the resume names an unknown action).
   */
  public Resumed resume(JobRequest resume, Duration timeout) throws TimeoutException {
    if (!resume.getResume()) {
      throw new IllegalArgumentException(
          "request for app " + resume.getAppId() + " is a job, not a resume (use resumeOf)");
    }
    TrackingEvent e =
        answerTo(
            resume,
            timeout,
            EventKind.RESUMED,
            EventKind.RESUME_REFUSED,
            reason -> new ResumeRefusedException(resume.getAppId(), reason));
    return new Resumed(
        e.getAppId(),
        e.getRootAppId(),
        e.getSequenceId() == null ? 0 : e.getSequenceId(),
        e.getAction(),
        resume.getSubmittedAtMs());
  }

  /**
   * Cancels job {@code appId} (the app id it was submitted with) and returns its CANCELLED result:
   * its whole tree stops, children and grandchildren in every pool included. Unstarted tasks never
   * run, each running app stops at its next step boundary, and a step under way can see it ({@code
   * ActionContext.isCancelled()}); its checkpoints are removed. Cancelling it again returns the
   * same result. A {@link CancelRefusedException} says why a job cannot be cancelled: no job has
   * that id, or it has ended (completed or failed).
   */
  public JobResult cancel(String appId, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    answerTo(
        JobRequestBuilder.cancel(appId).build(),
        timeout,
        EventKind.CANCELLED,
        EventKind.CANCEL_REFUSED,
        reason -> new CancelRefusedException(appId, reason));
    CompletableFuture<io.bramble.schemas.avro.JobResult> result =
        results.resultOf(appId, r -> r.getStatus() == io.bramble.schemas.avro.JobStatus.CANCELLED);
    return toResult(
        awaitFuture(
            appId,
            0,
            result,
            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
            null,
            null));
  }

  /**
   * Moves job {@code appId} (the app id it was submitted with), running or halted, to version
   * {@code version} of its graph, and returns once the coordinator has accepted it: each app of its
   * tree moves at its next step boundary, on a worker that has the version, as that version's
   * {@code GraphProvider.migration()} maps it (events MIGRATED, or MIGRATION_REFUSED naming the app
   * and the action where the migration maps nothing; such an app stays on its version). A halted
   * app moves when it is resumed. A {@link MigrateRefusedException} says why a job cannot be
   * migrated: no job has that id, or it has ended.
   */
  public void migrate(String appId, String version, Duration timeout) throws TimeoutException {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("a migration of job " + appId + " names a version");
    }
    answerTo(
        JobRequestBuilder.migrate(appId, version).build(),
        timeout,
        EventKind.MIGRATING,
        EventKind.MIGRATE_REFUSED,
        reason -> new MigrateRefusedException(appId, reason));
  }

  /**
   * Submits {@code request} and waits for the coordinator's answer to it (an event naming its
   * request id): the event of kind {@code accepted}, or a refusal of kind {@code refused}, thrown
   * as {@code refusal} makes it from the reason.
   */
  private TrackingEvent answerTo(
      JobRequest request,
      Duration timeout,
      EventKind accepted,
      EventKind refused,
      Function<String, RuntimeException> refusal)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = eventConsumer()) {
      // Where the events end before the request is sent: its answer can only come after.
      List<TopicPartition> partitions =
          TopicReader.partitionsOf(consumer, cluster.topics().events());
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      submit(request);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.value() == null || !request.getAppId().equals(r.key())) {
            continue;
          }
          for (TrackingEvent e :
              TrackingEvents.unbatched(eventSerde.deserialize(r.topic(), r.value()))) {
            if (!request.getRequestId().equals(e.getRequestId())) {
              continue;
            }
            if (e.getKind() == refused) {
              throw refusal.apply(
                  e.getError() == null ? refused.name() : e.getError().getMessage());
            }
            if (e.getKind() == accepted) {
              return e;
            }
          }
        }
      }
    }
    String what =
        request.getCancel() ? "cancel" : request.getMigrateTo() != null ? "migration" : "resume";
    throw new TimeoutException(
        "no answer to the " + what + " of app " + request.getAppId() + " within " + timeout);
  }

  /**
   * Waits for the result of the job {@code resumed} continues: completed, failed, or halted again
   * (not the halted result it was resumed from); join progress to {@code progress} (may be null).
   */
  public JobResult await(Resumed resumed, Duration timeout, Consumer<Progress> progress)
      throws TimeoutException {
    CompletableFuture<io.bramble.schemas.avro.JobResult> result =
        results.resultOf(resumed.rootAppId(), resumed.requestedAtMs(), true);
    return toResult(
        awaitFuture(resumed.rootAppId(), resumed.requestedAtMs(), result, timeout, progress, null));
  }

  /**
   * The result of {@code job}, once it is there (as {@link #await(JobRequest, Duration, Consumer)}
   * decides which result answers it): for callers that keep many jobs in flight.
   */
  public CompletableFuture<JobResult> resultOf(JobRequest job) {
    return results.resultOf(job.getAppId(), job.getSubmittedAtMs()).thenApply(this::toResult);
  }

  private io.bramble.schemas.avro.JobResult await(
      String appId,
      long submittedAtMs,
      Duration timeout,
      Consumer<Progress> progress,
      Consumer<TrackingEvent> events)
      throws TimeoutException {
    CompletableFuture<io.bramble.schemas.avro.JobResult> result =
        results.resultOf(appId, submittedAtMs);
    return awaitFuture(appId, submittedAtMs, result, timeout, progress, events);
  }

  private io.bramble.schemas.avro.JobResult awaitFuture(
      String appId,
      long submittedAtMs,
      CompletableFuture<io.bramble.schemas.avro.JobResult> result,
      Duration timeout,
      Consumer<Progress> progress,
      Consumer<TrackingEvent> events)
      throws TimeoutException {
    try {
      if (progress == null && events == null) {
        return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      return follow(appId, submittedAtMs, result, timeout, progress, events);
    } catch (TimeoutException e) {
      throw new TimeoutException("no result for job " + appId + " within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for job " + appId, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot follow " + cluster.topics().jobResults() + ": " + e.getCause().getMessage(),
          e.getCause());
    } finally {
      results.cancel(appId, result);
    }
  }

  /**
   * Reads the events of {@code appId}'s tree until {@code result} is there: from the time the job
   * was submitted when known (all its events are written after that), else from the beginning.
   */
  private io.bramble.schemas.avro.JobResult follow(
      String appId,
      long submittedAtMs,
      CompletableFuture<io.bramble.schemas.avro.JobResult> result,
      Duration timeout,
      Consumer<Progress> progress,
      Consumer<TrackingEvent> events)
      throws TimeoutException, InterruptedException, ExecutionException {
    Consumer<Progress> onProgress = progress == null ? p -> {} : progress;
    JobProgress joins = new JobProgress();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = eventConsumer()) {
      List<TopicPartition> partitions =
          TopicReader.partitionsOf(consumer, cluster.topics().events());
      consumer.assign(partitions);
      seekToSubmission(consumer, partitions, submittedAtMs);
      while (!result.isDone()) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException();
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.value() != null) {
            for (TrackingEvent e :
                TrackingEvents.unbatched(eventSerde.deserialize(r.topic(), r.value()))) {
              handle(e, appId, joins, onProgress, events);
            }
          }
        }
      }
      drainEvents(consumer, appId, joins, onProgress, events);
      return result.get();
    }
  }

  private KafkaConsumer<String, byte[]> eventConsumer() {
    return new KafkaConsumer<>(
        TopicReader.readerProps(cluster.clientProps()),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Seeks to the first event written at or after the submission. The coordinator stamps a job's
   * first events with the job record's own timestamp (the client's clock); 5 s of slack covers a
   * record batch's clock and costs reading a few seconds of other jobs' events.
   */
  static void seekToSubmission(
      KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, long submittedAtMs) {
    if (submittedAtMs <= 0) {
      consumer.seekToBeginning(partitions);
      return;
    }
    // The ends first: a partition with no event since the submission yet starts where it ended
    // then, so an event written while this seeks is still read.
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(p -> times.put(p, Math.max(0, submittedAtMs - 5_000)));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp at = found.get(p);
      consumer.seek(p, at == null ? ends.get(p) : at.offset());
    }
  }

  /**
   * Reads the events topic up to its current end, so the last progress reported is the final one.
   */
  private void drainEvents(
      KafkaConsumer<String, byte[]> consumer,
      String appId,
      JobProgress joins,
      Consumer<Progress> progress,
      Consumer<TrackingEvent> events) {
    List<TopicPartition> eventPartitions =
        TopicReader.partitionsOf(consumer, cluster.topics().events());
    consumer.assign(eventPartitions);
    TopicReader.readToEnd(
        consumer,
        eventPartitions,
        Duration.ofSeconds(10),
        r -> {
          if (r.value() != null) {
            for (TrackingEvent e :
                TrackingEvents.unbatched(eventSerde.deserialize(r.topic(), r.value()))) {
              handle(e, appId, joins, progress, events);
            }
          }
        });
  }

  private static void handle(
      TrackingEvent e,
      String rootAppId,
      JobProgress joins,
      Consumer<Progress> progress,
      Consumer<TrackingEvent> events) {
    if (events != null && (rootAppId.equals(e.getRootAppId()) || rootAppId.equals(e.getAppId()))) {
      events.accept(e);
    }
    joins.track(e, rootAppId).ifPresent(progress);
  }

  /** The result as it travels, in Bramble's terms: its state's stored values read on demand. */
  private JobResult toResult(io.bramble.schemas.avro.JobResult wire) {
    return JobResult.of(wire, valueFetcher());
  }

  /** Reads values kept in the cluster's value store (opening it on first use). */
  public ValueFetcher valueFetcher() {
    return ref -> values().fetch(ref);
  }

  private JobRequest withLargeValuesStored(JobRequest job) {
    State given = StateCodec.toState(job.getState());
    if (job.getResume() || !ValueOffload.hasLarge(given, cluster.values())) {
      return job;
    }
    ValueOffload offload = new ValueOffload(values(), cluster.values(), job.getAppId());
    State state = offload.offload(given);
    return JobRequest.newBuilder(job)
        .setState(StateCodec.toAvro(state))
        .setStored(offload.stored())
        .build();
  }

  private synchronized ValueStore values() {
    if (closed) {
      throw new IllegalStateException(
          "this JobClient is closed: read a result's stored values while its client is open");
    }
    if (values == null) {
      values = ValueStores.open(cluster, "bramble-client");
    }
    return values;
  }

  @Override
  public void close() {
    results.close();
    producer.close(Duration.ofSeconds(5));
    synchronized (this) {
      closed = true;
      if (values != null) {
        values.close();
      }
    }
  }
}
