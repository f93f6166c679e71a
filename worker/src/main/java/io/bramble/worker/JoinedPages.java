package io.bramble.worker;

import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.OutcomePages;
import java.util.List;

/**
 * Where the worker reads the outcomes of a join too wide for the task that reduces it ({@link
 * io.bramble.schemas.avro.JoinedChildren#getPages}).
 */
@FunctionalInterface
public interface JoinedPages {
  /** A runner without a cluster: every join it reduces must carry its outcomes. */
  JoinedPages NONE =
      pages -> {
        throw new IllegalStateException(
            "the join's outcomes are in " + pages.getCount() + " pages, and no reader is here");
      };

  /** The outcomes {@code pages} hold, in task order. */
  List<ChildOutcome> read(OutcomePages pages);
}
