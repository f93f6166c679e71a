package io.bramble.runtime;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Bramble's tracer and the W3C trace context carried in Kafka record headers, so that one job is
 * one trace across the coordinator and the workers. Bramble calls only the OpenTelemetry API; the
 * SDK and its exporter are the user's choice (by default the global OpenTelemetry, a no-op until
 * configured).
 */
public final class Tracing {
  public static final String INSTRUMENTATION = "io.bramble";

  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          List<String> keys = new ArrayList<>();
          for (Header h : headers) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public String get(Headers headers, String key) {
          if (headers == null) {
            return null;
          }
          Header h = headers.lastHeader(key);
          return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> {
        if (headers != null) {
          headers.remove(key);
          headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

  public Tracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
  }

  public static Tracing global() {
    return new Tracing(GlobalOpenTelemetry.get());
  }

  public Tracer tracer() {
    return tracer;
  }

  /** The trace context a record carries, or the root context when it carries none. */
  public Context extract(Headers headers) {
    return propagator.extract(Context.root(), headers, GETTER);
  }

  /** Writes {@code context}'s trace into {@code headers}. */
  public void inject(Context context, Headers headers) {
    propagator.inject(context, headers, SETTER);
  }
}
