package io.bramble.worker;

import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what one task run tells (its tracking events) to the events topic in few records: the
 * events of a window go out together as one record ({@link TrackingEvents#batch}), so a run of
 * quick steps is one record, not one per event, and a slow step is still seen within a window;
 * {@link #close()} at the run's end sends what is left. Fire-and-forget: tracking never holds up or
 * fails a task, and an event that cannot be sent is logged and dropped.
 */
final class EventBatcher implements Consumer<TrackingEvent> {
  private static final Logger log = LoggerFactory.getLogger(EventBatcher.class);

  /** Events per record at most: a wide fan-out's spawn links go out a few hundred at a time. */
  static final int MAX_EVENTS = 512;

  /** A record stays well under the broker's default 1 MiB limit: a bigger batch is split. */
  private static final int MAX_RECORD_BYTES = 512 * 1024;

  private final Producer<String, byte[]> producer;
  private final AvroSerde<TrackingEvent> serde;
  private final String topic;
  private final ScheduledExecutorService scheduler;
  private final long windowMs;

  // Guarded by this: the events not sent yet (all of one app), their scheduled sending, and
  // whether the run is over (later events go out at once).
  private final List<TrackingEvent> pending = new ArrayList<>();
  private ScheduledFuture<?> scheduled;
  private boolean closed;

  EventBatcher(
      Producer<String, byte[]> producer,
      AvroSerde<TrackingEvent> serde,
      String topic,
      ScheduledExecutorService scheduler,
      Duration window) {
    this.producer = producer;
    this.serde = serde;
    this.topic = topic;
    this.scheduler = scheduler;
    this.windowMs = window.toMillis();
  }

  @Override
  public synchronized void accept(TrackingEvent event) {
    if (!pending.isEmpty() && !pending.get(0).getAppId().equals(event.getAppId())) {
      flush(); // a record is keyed by one app id
    }
    pending.add(event);
    if (closed || pending.size() >= MAX_EVENTS) {
      flush();
    } else if (scheduled == null) {
      scheduled = scheduler.schedule(this::flushScheduled, windowMs, TimeUnit.MILLISECONDS);
    }
  }

  /** The run is over: what is pending goes out now, and any later event at once. */
  synchronized void close() {
    closed = true;
    flush();
  }

  private synchronized void flushScheduled() {
    scheduled = null;
    flush();
  }

  /** Sends what is pending; guarded by this. */
  private void flush() {
    if (scheduled != null) {
      scheduled.cancel(false);
      scheduled = null;
    }
    if (pending.isEmpty()) {
      return;
    }
    List<TrackingEvent> events = new ArrayList<>(pending);
    pending.clear();
    send(events);
  }

  private void send(List<TrackingEvent> events) {
    String appId = events.get(0).getAppId();
    try {
      byte[] value = serde.serialize(topic, TrackingEvents.batch(events));
      if (value.length > MAX_RECORD_BYTES && events.size() > 1) {
        int half = events.size() / 2;
        send(events.subList(0, half));
        send(events.subList(half, events.size()));
        return;
      }
      producer.send(
          new ProducerRecord<>(topic, appId, value),
          (metadata, e) -> {
            if (e != null) {
              notSent(events.size(), appId, e);
            }
          });
    } catch (RuntimeException e) {
      notSent(events.size(), appId, e);
    }
  }

  private void notSent(int events, String appId, Exception e) {
    log.warn("could not send {} events of app {} to {}: {}", events, appId, topic, e.toString());
  }
}
