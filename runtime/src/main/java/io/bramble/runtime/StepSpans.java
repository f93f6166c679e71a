package io.bramble.runtime;

import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A hook that makes every step of an application a span, child of {@code parent}. */
public final class StepSpans implements LifecycleHook {
  public static final AttributeKey<String> APP_ID = AttributeKey.stringKey("bramble.app_id");
  public static final AttributeKey<String> ACTION = AttributeKey.stringKey("bramble.action");
  public static final AttributeKey<Long> SEQUENCE_ID = AttributeKey.longKey("bramble.sequence_id");
  public static final AttributeKey<String> PROCESS = AttributeKey.stringKey("bramble.process");

  private final Tracer tracer;
  private final Context parent;
  private final String process;
  private final Map<String, Span> open = new ConcurrentHashMap<>();

  public StepSpans(Tracer tracer, Context parent, String process) {
    this.tracer = tracer;
    this.parent = parent;
    this.process = process;
  }

  @Override
  public void beforeStep(StepStart s) {
    Span span =
        tracer
            .spanBuilder("bramble.step " + s.action())
            .setParent(parent)
            .setAttribute(APP_ID, s.appId())
            .setAttribute(ACTION, s.action())
            .setAttribute(SEQUENCE_ID, s.sequenceId())
            .setAttribute(PROCESS, process)
            .startSpan();
    open.put(s.appId() + "#" + s.sequenceId(), span);
  }

  @Override
  public void afterStep(StepEnd s) {
    Span span = open.remove(s.appId() + "#" + s.sequenceId());
    if (span == null) {
      return;
    }
    if (s.error() != null) {
      span.recordException(s.error());
      span.setStatus(StatusCode.ERROR, String.valueOf(s.error().getMessage()));
    }
    span.end();
  }
}
