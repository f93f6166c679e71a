package io.bramble.worker;

import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A fan-out as records under the broker's limit: one when it fits, else pages of its children in
 * child order, each a {@link FanOut} with its {@code firstChild} and the whole {@code childCount}.
 * Only the first page carries what the reduce needs of the parent (its state, inputs, stored
 * values): the coordinator keeps the first page as the join and reads only children from the rest.
 */
public final class FanOutPages {
  /** The most one record of a fan-out takes: half of what a broker accepts by default. */
  public static final int MAX_PAGE_BYTES = 512 * 1024;

  /** One record of a fan-out, and its bytes. */
  public record Page(FanOut fanOut, byte[] bytes) {}

  private FanOutPages() {}

  /**
   * {@code fanOut} encoded as one or more records of at most {@code maxBytes} each; throws {@link
   * RecordTooLargeException} (before anything is sent) when one child alone is larger.
   */
  public static List<Page> split(FanOut fanOut, Function<FanOut, byte[]> encoder, int maxBytes) {
    byte[] whole = encoder.apply(fanOut);
    if (whole.length <= maxBytes) {
      return List.of(new Page(fanOut, whole));
    }
    List<Task> children = fanOut.getChildren();
    List<Page> pages = new ArrayList<>();
    // A first guess from the average child, halved wherever a page still does not fit.
    int perPage = Math.max(1, (int) ((long) children.size() * maxBytes / whole.length / 2));
    int from = 0;
    while (from < children.size()) {
      int to = Math.min(children.size(), from + perPage);
      FanOut part = page(fanOut, from, to);
      byte[] page = encoder.apply(part);
      if (page.length > maxBytes) {
        if (to - from == 1) {
          throw new RecordTooLargeException(
              "child "
                  + from
                  + " of parallel action '"
                  + fanOut.getParallelAction()
                  + "' (app "
                  + children.get(from).getAppId()
                  + ") takes "
                  + page.length
                  + " bytes as a task, more than the "
                  + maxBytes
                  + " a fan-out record may");
        }
        perPage = Math.max(1, (to - from) / 2);
        continue;
      }
      pages.add(new Page(part, page));
      from = to;
    }
    return pages;
  }

  /** Children {@code from} (inclusive) to {@code to} of {@code fanOut}, as one of its records. */
  private static FanOut page(FanOut fanOut, int from, int to) {
    FanOut.Builder page =
        FanOut.newBuilder(fanOut)
            .setChildren(fanOut.getChildren().subList(from, to))
            .setFirstChild(from)
            .setChildCount(fanOut.getChildren().size());
    if (from > 0) {
      StateData empty = new StateData(List.of());
      page.setParentState(empty).setInputs(empty).setStored(List.of());
    }
    return page.build();
  }
}
