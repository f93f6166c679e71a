package io.bramble.coordinator;

import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The coordinator's state stores, as its processors declare them ({@link
 * ProcessorSupplier#stores()}): those of jobs ({@link JobStores}) and those of joins ({@link
 * JoinStores}). Each is changelogged under its name (see {@link StoreNames}), so it survives a
 * restart.
 */
final class CoordinatorStores {
  private final Set<StoreBuilder<?>> all;

  CoordinatorStores(SchemaRegistry schemas) {
    Serde<String> string = Serdes.String();
    Serde<Long> count = Serdes.Long();
    all =
        Set.of(
            // jobs
            store(StoreNames.JOBS, avro(JobRequest.class, schemas)),
            store(StoreNames.JOB_RESULTS, avro(JobResult.class, schemas)),
            store(StoreNames.HALTED, avro(Task.class, schemas)),
            store(StoreNames.RESUMES, string),
            store(StoreNames.APP_STEPS, count),
            store(StoreNames.TREES, string),
            store(StoreNames.CANCELLED, avro(Cancellation.class, schemas)),
            store(StoreNames.MIGRATIONS, string),
            // joins
            store(StoreNames.JOINS, avro(FanOut.class, schemas)),
            store(StoreNames.JOIN_RESULTS, avro(TaskResult.class, schemas)),
            // Cached: a join's count changes with every child result; the changelog gets its
            // value once per commit, not once per child.
            Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(StoreNames.JOIN_COUNTS), string, count)
                .withCachingEnabled(),
            store(StoreNames.JOINS_DONE, count),
            store(StoreNames.JOIN_WAITING, avro(TaskResult.class, schemas)),
            store(StoreNames.JOIN_QUEUED, avro(Task.class, schemas)),
            store(StoreNames.JOIN_DEADLINES, string),
            store(StoreNames.JOIN_CHILDREN, string),
            store(StoreNames.MOVES, count));
  }

  /** A supplier of {@code processor}s that use every store (one sub-topology holds them all). */
  ProcessorSupplier<String, byte[], String, Object> using(
      Supplier<Processor<String, byte[], String, Object>> processor) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, byte[], String, Object> get() {
        return processor.get();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return all;
      }
    };
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }

  private static <T extends SpecificRecord> Serde<T> avro(Class<T> type, SchemaRegistry schemas) {
    return BrambleSerdes.forType(type, schemas);
  }
}
