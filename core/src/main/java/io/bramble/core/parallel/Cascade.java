package io.bramble.core.parallel;

import java.util.function.UnaryOperator;

/**
 * What a child application gets of its parent's tracker or persister: a copy (the default),
 * nothing, or a replacement.
 */
public final class Cascade<T> {
  private enum Mode {
    INHERIT,
    NONE,
    REPLACE
  }

  private static final Cascade<?> INHERIT = new Cascade<>(Mode.INHERIT, null);
  private static final Cascade<?> NONE = new Cascade<>(Mode.NONE, null);

  private final Mode mode;
  private final T replacement;

  private Cascade(Mode mode, T replacement) {
    this.mode = mode;
    this.replacement = replacement;
  }

  @SuppressWarnings("unchecked")
  public static <T> Cascade<T> inherit() {
    return (Cascade<T>) INHERIT;
  }

  @SuppressWarnings("unchecked")
  public static <T> Cascade<T> none() {
    return (Cascade<T>) NONE;
  }

  public static <T> Cascade<T> replaceWith(T replacement) {
    return new Cascade<>(Mode.REPLACE, replacement);
  }

  /** What the children get, given the parent's (possibly null) one and how to copy it. */
  public T resolve(T parents, UnaryOperator<T> copy) {
    return switch (mode) {
      case INHERIT -> parents == null ? null : copy.apply(parents);
      case NONE -> null;
      case REPLACE -> replacement;
    };
  }
}
