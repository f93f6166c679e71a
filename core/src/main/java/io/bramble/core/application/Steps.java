package io.bramble.core.application;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The steps of a run, produced one at a time as they are consumed; iterate once. */
public final class Steps implements Iterable<StepResult> {
  private final Supplier<Iterator<StepResult>> iterator;

  Steps(Supplier<Iterator<StepResult>> iterator) {
    this.iterator = iterator;
  }

  @Override
  public Iterator<StepResult> iterator() {
    return iterator.get();
  }

  public Stream<StepResult> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
  }
}
