package io.bramble.coordinator;

/** The coordinator's state stores; each is backed by a changelog topic, so it survives restarts. */
final class StoreNames {
  /** app id → the JobRequest, once accepted (a second submission of the id is ignored). */
  static final String JOBS = "jobs";

  /** app id → the JobResult, once published (a late duplicate result is ignored). */
  static final String JOB_RESULTS = "job-results";

  /** join id → the pending join: the first record of its FanOut, without its child tasks. */
  static final String JOINS = "joins";

  /** join id + "/" + child index → the child's result; one per index, so none counts twice. */
  static final String JOIN_RESULTS = "join-results";

  /** join id → how many distinct children have reported. */
  static final String JOIN_COUNTS = "join-counts";

  /** join id → when it completed, so a redelivered fan-out or result is ignored. */
  static final String JOINS_DONE = "joins-done";

  /**
   * root app id → how many steps the children of its completed joins ran, for the job's step count
   * (the name is older than this meaning: a store's name is its changelog topic's).
   */
  static final String APP_STEPS = "app-steps";

  /**
   * root app id + "/" + entry number → apps, joins, values and pages of its tree (see {@link
   * JobTrees}), cleaned up when the job completes.
   */
  static final String TREES = "trees";

  /**
   * app id → the task that continues it: an app paused at one of its job's halts, waiting for a
   * resume (kept on the partition of its own id, where a resume of it arrives).
   */
  static final String HALTED = "halted";

  /**
   * app id → the last resume accepted for it ({@link ResumeMark}): the same resume delivered twice
   * runs once, and a halted report older than the resume is stale.
   */
  static final String RESUMES = "resumes";

  /**
   * join id + "/" + child index → the halted result of a child that waits (for a resume, or for
   * children of its own that wait); not counted as done.
   */
  static final String JOIN_WAITING = "join-waiting";

  /**
   * A moved app's key (a root's app id; a child's join id + "/" + child index) → the sequence id of
   * the last step a move of it was published for: a move delivered again is published once. A
   * child's go when its join completes, a root's when its job does or is retried.
   */
  static final String MOVES = "moves";

  /**
   * join id + "/" + child index → a child task not yet released: its parallel action runs at most
   * {@code maxConcurrency} children at once, and the next goes out as each result arrives.
   */
  static final String JOIN_QUEUED = "join-queued";

  /**
   * {@link JoinDeadlines#key} (deadline, join id) → join id: a join whose children have a timeout;
   * those not done by then count as failed.
   */
  static final String JOIN_DEADLINES = "join-deadlines";

  /**
   * join id + "/" + child index → the child's app id, for a join that may complete before every
   * child reports (a first-N or quorum policy, a child timeout): the children it cancels then.
   */
  static final String JOIN_CHILDREN = "join-children";

  /**
   * root app id → when its job was cancelled, on every partition: what the job's apps still report
   * (a step under way when it was cancelled) is dropped.
   */
  static final String CANCELLED = "cancelled-jobs";

  /**
   * root app id → the graph version its job is being moved to (what the migrations topic says of
   * it, until the job ends).
   */
  static final String MIGRATIONS = "job-migrations";

  private StoreNames() {}
}
