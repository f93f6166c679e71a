package io.bramble.core.parallel;

/**
 * When a parallel step's join completes. {@link #all()} (the default) waits for every child. {@link
 * #firstN(int)} and {@link #quorum(double)} complete as soon as enough children have completed: the
 * reduce gets those (in task order), and the others are cancelled (they stop at their next step
 * boundary, unstarted ones never run, and nothing they report later counts). When failures leave
 * too few children to get there, the join completes then, as failed (or through {@code
 * reduceWithFailures}).
 */
public final class JoinPolicy {
  private static final JoinPolicy ALL = new JoinPolicy("all", 0, 0);

  private final String name;
  private final int firstN;
  private final double quorum;

  private JoinPolicy(String name, int firstN, double quorum) {
    this.name = name;
    this.firstN = firstN;
    this.quorum = quorum;
  }

  public static JoinPolicy all() {
    return ALL;
  }

  /** Completes once {@code n} children have completed (all of them, if there are fewer). */
  public static JoinPolicy firstN(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("firstN needs at least 1 child, got " + n);
    }
    return new JoinPolicy("first " + n, n, 0);
  }

  /** Completes once {@code fraction} of the children (rounded up) have completed. */
  public static JoinPolicy quorum(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "a quorum is a fraction above 0 and at most 1, got " + fraction);
    }
    return new JoinPolicy("quorum " + fraction, 0, fraction);
  }

  /** Whether the join waits for every child to report. */
  public boolean waitsForAll() {
    return this == ALL;
  }

  /** How many of {@code children} must complete for the join to complete. */
  public int needed(int children) {
    if (firstN > 0) {
      return Math.min(firstN, children);
    }
    if (quorum > 0) {
      return (int) Math.min(children, Math.ceil(quorum * children - 1e-9));
    }
    return children;
  }

  /**
   * Whether a join of {@code children} is over once {@code completed} have completed and {@code
   * failed} have failed: every child reported, or (not waiting for all) enough completed, or too
   * few are left to get there.
   */
  public boolean isOver(int completed, int failed, int children) {
    return waitsForAll()
        ? completed + failed >= children
        : isOver(needed(children), completed, failed, children);
  }

  /**
   * Whether a join that completes once {@code needed} of its {@code children} completed is over
   * with {@code completed} completed and {@code failed} failed: enough completed, every child
   * reported, or too few are left to get there. (What a runtime that carries only the count, not
   * the policy, asks.)
   */
  public static boolean isOver(int needed, int completed, int failed, int children) {
    int left = children - completed - failed;
    return completed >= needed || left <= 0 || completed + left < needed;
  }

  /** Whether {@code completed} completed children of {@code children} complete the join. */
  public boolean isSatisfied(int completed, int children) {
    return completed >= needed(children);
  }

  @Override
  public String toString() {
    return name;
  }
}
