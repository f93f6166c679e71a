package io.bramble.launcher.run;

import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.core.tracking.Tracker;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Several trackers as one. Children of a parallel step receive only their parent's tracker (not its
 * other hooks), so everything that should see child steps has to travel in one Tracker.
 */
final class Trackers implements Tracker {
  private final List<Tracker> trackers;

  private Trackers(List<Tracker> trackers) {
    this.trackers = trackers;
  }

  /** The non-null trackers as one; null when there are none. */
  static Tracker of(Tracker... trackers) {
    List<Tracker> present = Arrays.stream(trackers).filter(Objects::nonNull).toList();
    if (present.isEmpty()) {
      return null;
    }
    return present.size() == 1 ? present.get(0) : new Trackers(present);
  }

  @Override
  public void onApplicationCreated(ApplicationInfo app) {
    trackers.forEach(t -> t.onApplicationCreated(app));
  }

  @Override
  public void beforeStep(StepStart step) {
    trackers.forEach(t -> t.beforeStep(step));
  }

  @Override
  public void afterStep(StepEnd step) {
    trackers.forEach(t -> t.afterStep(step));
  }

  @Override
  public void onSpawn(SpawnLink link) {
    trackers.forEach(t -> t.onSpawn(link));
  }

  @Override
  public Tracker copy() {
    return new Trackers(trackers.stream().map(Tracker::copy).toList());
  }
}
