package io.bramble.runtime;

import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.runtime.Pools;
import io.bramble.core.state.State;
import io.bramble.core.stream.Chunk;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.JoinedChildren;
import io.bramble.schemas.avro.OutcomePages;
import io.bramble.schemas.avro.ParentRef;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.WaitingApp;
import java.util.List;
import java.util.Map;

/**
 * The one place the runtime's records and their ids are made: tasks (root, child, continuation),
 * task results and job results ({@link TrackingEvents} makes the tracking events). Coordinator and
 * worker both build them here, so a field or an id format changes in one place.
 */
public final class Records {
  private Records() {}

  /**
   * The id of app {@code appId}'s step {@code sequenceId}: a task's id, and the id of the join a
   * parallel step opens.
   */
  public static String stepId(String appId, long sequenceId) {
    return appId + "@" + sequenceId;
  }

  /**
   * The first task of a job: its root app at step 0, in the default pool, as submitted: the graph's
   * defaults (version, state, entrypoint, halts) are added by the worker that starts it, which has
   * the graph; the job's halts pause every app of its tree.
   */
  public static Task rootTask(JobRequest job) {
    return Task.newBuilder()
        .setTaskId(stepId(job.getAppId(), 0))
        .setAppId(job.getAppId())
        .setGraph(job.getGraph())
        .setGraphVersion(job.getGraphVersion())
        .setPartitionKey(job.getPartitionKey())
        .setRootAppId(job.getAppId())
        .setPosition(job.getEntrypoint())
        .setSequenceId(0)
        .setState(job.getState())
        .setInputs(job.getInputs())
        .setHaltBefore(List.of())
        .setHaltAfter(List.of())
        .setPauseBefore(job.getHaltBefore())
        .setPauseAfter(job.getHaltAfter())
        .setRequestedAtMs(job.getSubmittedAtMs())
        .setParent(null)
        .setSubGraph(null)
        .setPool(Pools.DEFAULT)
        .setAttempt(0)
        .build();
  }

  /**
   * The task that continues a halted app once resumed by {@code resume}: the task it halted with
   * ({@code halted}, at its next action), with the resume's inputs, and its halts if it names any.
   */
  public static Task resumed(Task halted, JobRequest resume) {
    Task.Builder b =
        Task.newBuilder(halted)
            .setInputs(resume.getInputs())
            .setRequestedAtMs(resume.getSubmittedAtMs())
            .setAttempt(0)
            .setHaltNames(List.of());
    if (!resume.getHaltBefore().isEmpty() || !resume.getHaltAfter().isEmpty()) {
      b.setPauseBefore(resume.getHaltBefore()).setPauseAfter(resume.getHaltAfter());
    }
    return b.build();
  }

  /**
   * The task that continues {@code task}'s app at {@code position}, step {@code sequenceId}, from
   * {@code state}, in {@code pool}: what a halted app's result carries for its resume, and a moved
   * app's for its next step.
   */
  public static Task continuing(
      Task task, String position, long sequenceId, State state, String pool) {
    return Task.newBuilder(task)
        .setTaskId(stepId(task.getAppId(), sequenceId))
        .setPosition(position)
        .setSequenceId(sequenceId)
        .setState(StateCodec.toAvro(state))
        .setPool(pool)
        .setAttempt(0)
        .setJoined(null)
        .build();
  }

  /**
   * Child {@code index} of {@code count} that {@code parent}'s parallel step {@code sequenceId}
   * maps out, starting from {@code state} (the child's, its large values stored), labelled {@code
   * label} under its parent; it runs sub-graph {@code subGraphPath} of the parent's graph, its
   * first step in {@code pool}.
   */
  public static Task childTask(
      Task parent,
      long sequenceId,
      String label,
      SubGraphTask child,
      State state,
      int index,
      int count,
      String subGraphPath,
      String pool) {
    return Task.newBuilder()
        .setTaskId(stepId(child.appId(), 0))
        .setAppId(child.appId())
        .setGraph(parent.getGraph())
        .setGraphVersion(parent.getGraphVersion())
        .setPartitionKey(child.partitionKey())
        .setRootAppId(parent.getRootAppId())
        .setPosition(child.graph().entrypoint())
        .setSequenceId(0)
        .setState(StateCodec.toAvro(state))
        .setInputs(StateCodec.fromMap(child.inputs()))
        .setHaltBefore(List.of())
        .setHaltAfter(child.graph().haltAfter())
        .setPauseBefore(parent.getPauseBefore())
        .setPauseAfter(parent.getPauseAfter())
        .setRequestedAtMs(parent.getRequestedAtMs())
        .setParent(
            new ParentRef(
                parent.getAppId(), sequenceId, stepId(parent.getAppId(), sequenceId), index, count))
        .setSubGraph(subGraphPath)
        .setPool(pool)
        .setAttempt(0)
        .setLabel(Chunk.path(parent.getLabel(), label))
        .build();
  }

  /**
   * The most apps a halted report lists as waiting (a job whose wide fan-out halts in every child
   * would otherwise list them all in one record): the first ones in child order; as those are
   * resumed and finish, the next report lists the next.
   */
  public static final int MAX_WAITING_LISTED = 1_000;

  /** How child {@code result} ended, for the task that reduces its join. */
  public static ChildOutcome outcome(TaskResult result) {
    boolean completed = result.getStatus() == ResultStatus.COMPLETED;
    return ChildOutcome.newBuilder()
        .setIndex(result.getParent().getChildIndex())
        .setAppId(result.getAppId())
        .setCompleted(completed)
        .setState(completed ? result.getState() : null)
        .setError(
            completed
                ? null
                : result.getError() != null
                    ? result.getError()
                    : Errors.of("unknown", "no error given", null))
        .build();
  }

  /**
   * The task that completes {@code join}: its parent at the parallel action, from the state it had
   * before the step, with the outcomes of the children that reported (in task order: {@code
   * outcomes}, or, for a join too wide for one task, {@code pages} that hold them) of its {@code
   * children}; the worker that takes it (of the parallel action's pool) runs the reduce and
   * continues the parent. {@code requestedAtMs}: the latest request the join and its results follow
   * from.
   */
  public static Task reduceTask(
      FanOut join,
      List<ChildOutcome> outcomes,
      OutcomePages pages,
      int children,
      long requestedAtMs) {
    return Task.newBuilder()
        .setTaskId(stepId(join.getParentAppId(), join.getParentSequenceId()))
        .setAppId(join.getParentAppId())
        .setGraph(join.getGraph())
        .setGraphVersion(join.getGraphVersion())
        .setPartitionKey(join.getPartitionKey())
        .setRootAppId(join.getRootAppId())
        .setPosition(join.getParallelAction())
        .setSequenceId(join.getParentSequenceId())
        .setState(join.getParentState())
        .setInputs(join.getInputs())
        .setHaltBefore(join.getHaltBefore())
        .setHaltAfter(join.getHaltAfter())
        .setPauseBefore(join.getPauseBefore())
        .setPauseAfter(join.getPauseAfter())
        .setRequestedAtMs(requestedAtMs)
        .setParent(join.getParent())
        .setSubGraph(join.getSubGraph())
        .setPool(join.getReducePool())
        .setAttempt(0)
        .setLabel(join.getLabel())
        .setJoined(new JoinedChildren(children, outcomes, pages))
        .build();
  }

  /**
   * The result of app {@code appId} (task {@code taskId}; {@code parent} null for a root), whose
   * last step was {@code sequenceId} ({@code lastAction}).
   */
  public static TaskResult result(
      String appId,
      String taskId,
      ParentRef parent,
      ResultStatus status,
      State state,
      ErrorInfo error,
      long sequenceId,
      String lastAction,
      long requestedAtMs,
      long nowMs) {
    return TaskResult.newBuilder()
        .setAppId(appId)
        .setTaskId(taskId)
        .setStatus(status)
        .setState(state == null ? null : StateCodec.toAvro(state))
        .setError(error)
        .setParent(parent)
        .setSequenceId(sequenceId)
        .setLastAction(lastAction)
        .setRequestedAtMs(requestedAtMs)
        .setFinishedAtMs(nowMs)
        .build();
  }

  /**
   * {@code task}'s app paused at one of its job's halts after step {@code sequenceId}: waiting in
   * front of {@code resume}'s position, {@code resume} the task that continues it.
   */
  public static TaskResult halted(
      Task task, State state, long sequenceId, String lastAction, Task resume, long nowMs) {
    return TaskResult.newBuilder(
            stoppedAt(task, ResultStatus.HALTED, state, sequenceId, lastAction, nowMs))
        .setResume(resume)
        .setWaiting(List.of(new WaitingApp(task.getAppId(), resume.getPosition(), task.getLabel())))
        .build();
  }

  /**
   * {@code task}'s app stopped after step {@code sequenceId} because its next step runs in another
   * pool: {@code next} runs it there.
   */
  public static TaskResult moved(
      Task task, State state, long sequenceId, String lastAction, Task next, long nowMs) {
    return TaskResult.newBuilder(
            stoppedAt(task, ResultStatus.MOVED, state, sequenceId, lastAction, nowMs))
        .setNext(next)
        .build();
  }

  /** {@code task}'s app, not ended, stopped after step {@code sequenceId} with {@code status}. */
  private static TaskResult stoppedAt(
      Task task, ResultStatus status, State state, long sequenceId, String lastAction, long nowMs) {
    return of(task, status, state, null, sequenceId, lastAction, nowMs);
  }

  /**
   * The result of {@code task}'s app, whose last step was {@code sequenceId} ({@code lastAction}).
   */
  public static TaskResult of(
      Task task,
      ResultStatus status,
      State state,
      ErrorInfo error,
      long sequenceId,
      String lastAction,
      long nowMs) {
    TaskResult result =
        result(
            task.getAppId(),
            task.getTaskId(),
            task.getParent(),
            status,
            state,
            error,
            sequenceId,
            lastAction,
            task.getRequestedAtMs(),
            nowMs);
    result.setRootAppId(task.getRootAppId());
    return result;
  }

  /**
   * What the coordinator writes to the checkpoints topic for app {@code appId} of a job cancelled
   * at a client's request: workers run nothing more of it, whatever request its task follows (none
   * is accepted after a cancel), whatever the clocks of the clients that made them.
   */
  public static Checkpoint cancelled(String appId, String partitionKey) {
    return cancelled(appId, partitionKey, Long.MAX_VALUE);
  }

  /**
   * What the coordinator writes to the checkpoints topic for child {@code appId} its parallel step
   * completed without: workers run nothing more of it for requests older than {@code nowMs} (a
   * retry of its job runs it again).
   */
  public static Checkpoint cancelled(String appId, String partitionKey, long nowMs) {
    return Checkpoint.newBuilder()
        .setAppId(appId)
        .setPartitionKey(partitionKey)
        .setSequenceId(-1)
        .setPosition("")
        .setState(StateCodec.fromMap(Map.of()))
        .setStatus(CheckpointStatus.CANCELLED)
        .setWrittenAtMs(nowMs)
        .build();
  }

  /**
   * A parent that waits, at its parallel step, for children that are halted ({@code waiting}: every
   * app of its subtree that waits): reported to its own parent's join as halted, or for a root as
   * its job's halted result.
   */
  public static TaskResult waitingForChildren(
      FanOut join, List<WaitingApp> waiting, long requestedAtMs, long nowMs) {
    return TaskResult.newBuilder(
            result(
                join.getParentAppId(),
                stepId(join.getParentAppId(), join.getParentSequenceId()),
                join.getParent(),
                ResultStatus.HALTED,
                null,
                null,
                join.getParentSequenceId() - 1,
                join.getParallelAction(),
                requestedAtMs,
                nowMs))
        .setRootAppId(join.getRootAppId())
        .setState(join.getParentState())
        .setWaiting(waiting)
        .build();
  }

  /**
   * Every key a result is written under: its {@link #resultKey}, and for a halted child also its
   * own app id, so the coordinator keeps what resumes it where a resume of that id arrives (its
   * parent's join, under the parent's id, learns that the child waits).
   */
  public static List<String> resultKeys(TaskResult result) {
    String key = resultKey(result);
    return result.getStatus() == ResultStatus.HALTED && !key.equals(result.getAppId())
        ? List.of(result.getAppId(), key)
        : List.of(key);
  }

  /**
   * The key a result travels under: its parent's app id (so it lands with the parent's join), or
   * its own for a root.
   */
  public static String resultKey(TaskResult result) {
    return result.getParent() == null ? result.getAppId() : result.getParent().getParentAppId();
  }

  /** A job's outcome from its root's result; {@code steps} counts the whole tree's. */
  public static JobResult jobResult(TaskResult root, JobRequest job, long steps, long nowMs) {
    return jobResult(
        root,
        job == null ? "unknown" : job.getGraph(),
        Math.max(job == null ? 0 : job.getSubmittedAtMs(), root.getRequestedAtMs()),
        steps,
        nowMs);
  }

  /**
   * The outcome of the job whose root task {@code task} ended with {@code root}, as the worker that
   * ran it writes it: the task carries the graph, the latest request and its children's steps.
   */
  public static JobResult jobResult(TaskResult root, Task task, long nowMs) {
    return jobResult(
        root,
        task.getGraph(),
        root.getRequestedAtMs(),
        root.getSequenceId() + 1 + task.getChildSteps(),
        nowMs);
  }

  /**
   * Whether the worker that ends {@code result} writes its job's result (see
   * TaskResult.jobResultWritten).
   */
  public static boolean endsJob(TaskResult result) {
    return result.getParent() == null
        && (result.getStatus() == ResultStatus.COMPLETED
            || result.getStatus() == ResultStatus.FAILED);
  }

  private static JobResult jobResult(
      TaskResult root, String graph, long submittedAtMs, long steps, long nowMs) {
    JobStatus status =
        switch (root.getStatus()) {
          case COMPLETED -> JobStatus.COMPLETED;
          case HALTED -> JobStatus.HALTED;
          default -> JobStatus.FAILED;
        };
    boolean halted = status == JobStatus.HALTED;
    return JobResult.newBuilder()
        .setAppId(root.getAppId())
        .setGraph(graph)
        .setStatus(status)
        .setState(root.getState())
        .setError(root.getError())
        .setSubmittedAtMs(submittedAtMs)
        .setFinishedAtMs(nowMs)
        .setSteps(steps)
        .setNextAction(!halted ? null : nextActionOf(root))
        .setWaiting(halted ? root.getWaiting() : List.of())
        .build();
  }

  /** Where a halted result stopped: in front of its resume's position, or its parallel step. */
  private static String nextActionOf(TaskResult halted) {
    return halted.getResume() != null ? halted.getResume().getPosition() : halted.getLastAction();
  }

  /** A job refused before any work ran, saying why. */
  public static JobResult invalidJob(
      String appId, String graph, String message, long submittedAtMs, long nowMs) {
    return JobResult.newBuilder()
        .setAppId(appId)
        .setGraph(graph)
        .setStatus(JobStatus.FAILED)
        .setState(null)
        .setError(Errors.of("io.bramble.InvalidJob", message, null))
        .setSubmittedAtMs(submittedAtMs)
        .setFinishedAtMs(nowMs)
        .setSteps(0)
        .build();
  }

  /**
   * A job cancelled at a client's request: the state it had when it halted, if it had halted
   * ({@code halted}, may be null), and the steps counted so far.
   */
  public static JobResult cancelledJob(
      String appId, String graph, JobResult halted, long submittedAtMs, long steps, long nowMs) {
    return JobResult.newBuilder()
        .setAppId(appId)
        .setGraph(graph)
        .setStatus(JobStatus.CANCELLED)
        .setState(halted == null ? null : halted.getState())
        .setError(null)
        .setSubmittedAtMs(submittedAtMs)
        .setFinishedAtMs(nowMs)
        .setSteps(halted == null ? steps : Math.max(steps, halted.getSteps()))
        .build();
  }
}
