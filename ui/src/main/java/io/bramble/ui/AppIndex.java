package io.bramble.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bramble.core.graph.GraphView;
import io.bramble.core.tracking.ModelCall;
import io.bramble.runtime.DeclaredInputs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What the UI knows about applications, fed by either source (tracking files or the events topic)
 * through the same calls: app created, step start and end, spawn links, fan-outs, join progress and
 * job results. Facts may arrive in any order (a child's creation before its parent's spawn link,
 * say): a record is created by whichever fact names it first. Thread-safe: every method is
 * synchronized.
 */
public final class AppIndex {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, App> apps = new HashMap<>();
  private final Map<GraphView, GraphView> shapes = new HashMap<>();
  private final LongSupplier clock;
  private long version;

  public AppIndex() {
    this(System::currentTimeMillis);
  }

  AppIndex(LongSupplier clock) {
    this.clock = clock;
  }

  /** Counts every change, so pollers can tell whether anything happened. */
  public synchronized long version() {
    return version;
  }

  public synchronized int size() {
    return apps.size();
  }

  // ---------------------------------------------------------------- facts

  /**
   * An application was created (or, from the coordinator, accepted as a job: then only some fields
   * are known). Facts given fill in; a fact left null never erases one known.
   */
  public synchronized void appCreated(
      String appId,
      String graphName,
      GraphView graph,
      String entrypoint,
      String partitionKey,
      String parentAppId,
      Long parentSequenceId,
      String rootAppId,
      String label,
      long createdAtMs) {
    App a = app(appId);
    a.created = true;
    a.label = label != null ? label : a.label;
    a.graph = graphName != null ? graphName : a.graph;
    // Every child of a fan-out reports the same sub-graph: one copy serves them all.
    a.shape = graph != null ? shapes.computeIfAbsent(graph, g -> g) : a.shape;
    // Where it started: a later task of the app (a reduce, a resume) is created at its position.
    a.entrypoint = a.entrypoint != null ? a.entrypoint : entrypoint;
    a.partitionKey = partitionKey != null ? partitionKey : a.partitionKey;
    a.rootAppId = rootAppId != null ? rootAppId : a.rootAppId;
    a.createdAtMs = a.createdAtMs == 0 ? createdAtMs : Math.min(a.createdAtMs, createdAtMs);
    if (parentAppId != null) {
      link(parentAppId, parentSequenceId == null ? -1 : parentSequenceId, null, appId, null);
    }
    touch(a, createdAtMs);
  }

  /** Application {@code appId} runs {@code version} of its graph (its job is pinned to it). */
  public synchronized void graphVersion(String appId, String version) {
    app(appId).graphVersion = version;
  }

  /**
   * The application reported how it stopped: COMPLETED, FAILED or HALTED (in front of {@code
   * nextAction}, to be resumed with {@code nextInputs}, null when not reported).
   */
  public synchronized void appEnded(
      String appId, String status, String nextAction, DeclaredInputs nextInputs, long atMs) {
    App a = app(appId);
    a.endStatus = status;
    boolean halted = "HALTED".equals(status);
    a.haltedBefore = halted ? nextAction : null;
    a.nextInputs = halted ? nextInputs : null;
    touch(a, atMs);
  }

  public synchronized void stepStart(
      String appId,
      long sequenceId,
      String action,
      JsonNode inputs,
      JsonNode stateBefore,
      long startedAtMs) {
    App a = app(appId);
    a.endStatus = null; // it runs again: resumed after a failure or a halt
    a.haltedBefore = null;
    a.nextInputs = null;
    Step s = a.steps.computeIfAbsent(sequenceId, Step::new);
    if (s.endedAtMs != null) {
      s.attempts++; // a retry or a resumed step runs again: the new attempt replaces the old one
      s.endedAtMs = null;
      s.error = null;
      s.stackTrace = null;
      s.result = null;
      s.state = null;
      s.modelCalls = List.of();
    }
    s.action = action;
    s.inputs = inputs;
    s.stateBefore = stateBefore != null ? stateBefore : s.stateBefore;
    s.startedAtMs = startedAtMs;
    touch(a, startedAtMs);
  }

  /**
   * A step ended, with the model calls it made; {@code inputs} (may be null) are given when no
   * start was reported for it (a worker reports a quick step by its end alone).
   */
  public synchronized void stepEnd(
      String appId,
      long sequenceId,
      String action,
      JsonNode inputs,
      JsonNode result,
      JsonNode state,
      Long startedAtMs,
      long endedAtMs,
      String error,
      String stackTrace,
      List<ModelCall> modelCalls) {
    if (inputs != null) {
      stepStart(
          appId, sequenceId, action, inputs, null, startedAtMs != null ? startedAtMs : endedAtMs);
    }
    App a = app(appId);
    Step s = a.steps.computeIfAbsent(sequenceId, Step::new);
    s.action = action;
    s.result = result;
    s.state = state;
    if (startedAtMs != null) {
      s.startedAtMs = startedAtMs;
    }
    s.endedAtMs = endedAtMs;
    s.error = error;
    s.stackTrace = stackTrace;
    s.modelCalls = List.copyOf(modelCalls);
    touch(a, endedAtMs);
  }

  public synchronized void spawn(
      String parentAppId, long sequenceId, String action, String childAppId, Integer childIndex) {
    link(parentAppId, sequenceId, action, childAppId, childIndex);
  }

  /**
   * The coordinator launched {@code childAppIds} (in task order, from child {@code firstChild} on)
   * of the {@code total} of a parallel step.
   */
  public synchronized void fanOut(
      String parentAppId,
      long sequenceId,
      String action,
      long total,
      int firstChild,
      List<String> childAppIds,
      long atMs) {
    App parent = app(parentAppId);
    Group g = parent.group(sequenceId);
    g.action = action != null ? action : g.action;
    g.total = Math.max(g.total, total);
    g.fannedOutAtMs = g.fannedOutAtMs == null ? atMs : Math.min(g.fannedOutAtMs, atMs);
    // The parallel step runs from its fan-out on: listed (and current) before its reduce reports.
    Step step = parent.steps.computeIfAbsent(sequenceId, Step::new);
    step.action = step.action != null ? step.action : action;
    if (step.startedAtMs == null) {
      step.startedAtMs = atMs;
    }
    for (int i = 0; i < childAppIds.size(); i++) {
      link(parentAppId, sequenceId, action, childAppIds.get(i), firstChild + i);
    }
    touch(apps.get(parentAppId), atMs);
  }

  public synchronized void joinProgress(
      String parentAppId,
      long sequenceId,
      String action,
      long done,
      long total,
      boolean reduced,
      long atMs) {
    Group g = app(parentAppId).group(sequenceId);
    g.action = action != null ? action : g.action;
    g.done = Math.max(g.done, done);
    g.total = Math.max(g.total, total);
    g.reduced |= reduced;
    g.progressReported = true;
    touch(apps.get(parentAppId), atMs);
  }

  /**
   * Job {@code appId} ended with {@code status}; {@code error}, why it failed (a job refused before
   * its root ran has no other record: {@code graph} names what it asked for).
   */
  public synchronized void jobDone(
      String appId, String status, String error, String graph, long atMs) {
    App a = app(appId);
    if ("CANCELLED".equals(status)) { // nothing of it waits for a person any more
      a.waiting.forEach(id -> app(id).waitingForInput = false);
      a.waiting = List.of();
      a.haltedBefore = null;
    }
    a.jobStatus = status;
    a.jobError = error;
    a.graph = a.graph != null ? a.graph : graph;
    touch(a, atMs);
  }

  /**
   * The job halted: the root in front of {@code nextAction}; {@code waitingAppIds}, the apps of its
   * tree that wait for a resume.
   */
  public synchronized void jobHalted(
      String appId, String nextAction, List<String> waitingAppIds, long atMs) {
    App a = app(appId);
    a.jobStatus = "HALTED";
    a.haltedBefore = nextAction;
    a.waiting = List.copyOf(waitingAppIds);
    for (String id : waitingAppIds) {
      app(id).waitingForInput = true;
    }
    touch(a, atMs);
  }

  /**
   * Job {@code rootAppId} has tasks waiting in {@code pool}, which has no worker; {@code lag} tasks
   * wait there in all.
   */
  public synchronized void poolWaiting(String rootAppId, String pool, long lag, long atMs) {
    App a = app(rootAppId);
    a.waitingForPools.put(pool, lag);
    touch(a, atMs);
  }

  /**
   * App {@code appId} moved from version {@code from} of its graph to {@code to} (standing in front
   * of {@code action}, continuing at {@code nextAction}), or, {@code refused} saying why, stayed.
   */
  public synchronized void migrated(
      String appId,
      String from,
      String to,
      String action,
      String nextAction,
      String refused,
      long atMs) {
    App a = app(appId);
    if (refused == null) {
      a.graphVersion = to;
    }
    a.migrations.add(new Migration(from, to, action, nextAction, refused, atMs));
    touch(a, atMs);
  }

  /** {@code pool}, which job {@code rootAppId} waited for, has a worker again. */
  public synchronized void poolServed(String rootAppId, String pool, long atMs) {
    App a = app(rootAppId);
    a.waitingForPools.remove(pool);
    touch(a, atMs);
  }

  /**
   * App {@code appId} of job {@code rootAppId} streamed {@code text} in run {@code runId} of its
   * step {@code sequenceId}: its live output, which a new run of the step starts over.
   */
  public synchronized void streamed(
      String rootAppId,
      String appId,
      String label,
      String action,
      long sequenceId,
      String runId,
      String text,
      long atMs) {
    App a = app(appId);
    if (a.rootAppId == null) {
      a.rootAppId = rootAppId;
    }
    Live live = a.live;
    if (live == null || live.sequenceId != sequenceId) {
      live = a.live = new Live(label, action, sequenceId);
    }
    if (!runId.equals(live.runId)) {
      live.runId = runId;
      live.attempt++;
      live.text.setLength(0);
    }
    live.text.append(text);
    if (live.text.length() > Live.MAX_TEXT) {
      live.text.delete(0, live.text.length() - Live.MAX_TEXT);
    }
    app(rootAppId).liveApps.add(appId);
    touch(a, atMs);
  }

  /** App {@code appId} of job {@code rootAppId} was resumed: it, and its job, run again. */
  public synchronized void resumed(String appId, String rootAppId, long atMs) {
    App a = app(appId);
    a.endStatus = null;
    a.haltedBefore = null;
    a.nextInputs = null;
    a.waitingForInput = false;
    App root = app(rootAppId == null ? appId : rootAppId);
    root.jobStatus = null;
    root.jobError = null;
    root.waiting = root.waiting.stream().filter(id -> !id.equals(appId)).toList();
    if (root != a) {
      root.haltedBefore = null;
    }
    touch(a, atMs);
  }

  private void link(
      String parentAppId, long sequenceId, String action, String childAppId, Integer childIndex) {
    App parent = app(parentAppId);
    App child = app(childAppId);
    child.parentAppId = parentAppId;
    if (sequenceId >= 0) {
      child.parentSequenceId = sequenceId;
    }
    Group g = parent.group(child.parentSequenceId == null ? -1 : child.parentSequenceId);
    g.action = action != null ? action : g.action;
    Integer known = g.children.get(childAppId);
    if (known == null || (childIndex != null && known == Integer.MAX_VALUE)) {
      g.children.put(childAppId, childIndex == null ? Integer.MAX_VALUE : childIndex);
      g.ordered = null;
    }
    version++;
  }

  private App app(String appId) {
    return apps.computeIfAbsent(appId, App::new);
  }

  private void touch(App a, long atMs) {
    a.lastEventMs = Math.max(a.lastEventMs, atMs);
    if (a.createdAtMs == 0) {
      a.createdAtMs = atMs;
    }
    version++;
  }

  // ---------------------------------------------------------------- queries

  /**
   * A page of summaries: root apps newest first, or, with a query, every app whose id contains it.
   */
  public synchronized ObjectNode list(String query, int offset, int limit) {
    List<App> matching = new ArrayList<>();
    String q = query == null ? "" : query.trim().toLowerCase();
    for (App a : apps.values()) {
      if (q.isEmpty() ? a.parentAppId == null : a.appId.toLowerCase().contains(q)) {
        matching.add(a);
      }
    }
    matching.sort(
        Comparator.comparingLong((App a) -> a.createdAtMs).reversed().thenComparing(a -> a.appId));
    ObjectNode page = page(matching.size(), offset, limit);
    ArrayNode items = page.putArray("items");
    for (App a : slice(matching, offset, limit)) {
      items.add(summary(a));
    }
    return page;
  }

  /** Everything about one app: its steps with state diffs, its graph, its parallel steps. */
  public synchronized Optional<ObjectNode> detail(String appId) {
    App a = apps.get(appId);
    if (a == null) {
      return Optional.empty();
    }
    ObjectNode d = summary(a);
    d.put("mermaid", GraphSvg.mermaid(a.shape));
    d.put("halted_before", a.haltedBefore);
    d.set("next_inputs", nextInputs(a.nextInputs));
    d.set("model_calls", usage(modelCallsOfTree(a)));
    ArrayNode waiting = d.putArray("waiting");
    for (String id : a.waiting) {
      App w = apps.get(id);
      waiting
          .addObject()
          .put("app_id", id)
          .put("label", w == null ? null : w.label)
          .put("halted_before", w == null ? null : w.haltedBefore)
          .set("next_inputs", nextInputs(w == null ? null : w.nextInputs));
    }
    ArrayNode live = d.putArray("live_output");
    for (String id : a.liveApps.isEmpty() ? Set.of(a.appId) : a.liveApps) {
      App l = apps.get(id);
      if (l != null && l.live != null && l.endStatus == null) {
        live.addObject()
            .put("app_id", l.appId)
            .put("label", l.live.label)
            .put("action", l.live.action)
            .put("sequence_id", l.live.sequenceId)
            .put("attempt", l.live.attempt)
            .put("text", l.live.text.toString());
      }
    }
    ArrayNode migrations = d.putArray("migrations");
    for (Migration m : a.migrations) {
      ObjectNode n =
          migrations
              .addObject()
              .put("from_version", m.from())
              .put("to_version", m.to())
              .put("action", m.action())
              .put("next_action", m.nextAction())
              .put("refused", m.refused());
      putTime(n, "at_ms", m.atMs());
    }
    ArrayNode pools = d.putArray("waiting_for_pools");
    a.waitingForPools.forEach((pool, lag) -> pools.addObject().put("pool", pool).put("lag", lag));
    d.put("partition_key", a.partitionKey);
    Set<String> visited = new LinkedHashSet<>();
    ArrayNode steps = d.putArray("steps");
    JsonNode previous = null;
    for (Step s : a.steps.values()) {
      visited.add(s.action);
      ObjectNode n = steps.addObject();
      n.put("sequence_id", s.sequenceId).put("action", s.action).put("status", stepStatus(s));
      Long started = startOf(a, s);
      putTime(n, "started_at_ms", started);
      putTime(n, "ended_at_ms", s.endedAtMs);
      if (started != null && s.endedAtMs != null) {
        n.put("duration_ms", s.endedAtMs - started);
      } else if (started != null && s.error == null && "running".equals(status(a))) {
        n.put("duration_ms", Math.max(0, clock.getAsLong() - started)); // so far
      }
      n.put("attempts", s.attempts);
      n.set("inputs", orEmpty(s.inputs));
      n.set("result", s.result == null ? NODES.nullNode() : s.result);
      n.set("state", s.state == null ? NODES.nullNode() : s.state);
      JsonNode before = s.stateBefore != null ? s.stateBefore : previous;
      if (s.state != null) {
        n.set("diff", diff(before, s.state));
      }
      n.put("error", s.error);
      n.put("stack_trace", s.stackTrace);
      ArrayNode calls = n.putArray("model_calls");
      s.modelCalls.forEach(c -> calls.add(call(c)));
      Group g = a.groups.get(s.sequenceId);
      if (g != null) {
        n.set("parallel", group(a, g));
      }
      if (s.state != null) {
        previous = s.state;
      }
    }
    ArrayNode groups = d.putArray("parallel");
    for (Group g : a.groups.values()) {
      groups.add(group(a, g));
    }
    ArrayNode v = d.putArray("visited_actions");
    visited.forEach(v::add);
    d.put("graph_svg", GraphSvg.render(a.shape, a.entrypoint, visited, currentAction(a)));
    return Optional.of(d);
  }

  /**
   * A page of the children of {@code appId} (of the step {@code sequenceId}, or of every step), in
   * task order.
   */
  public synchronized Optional<ObjectNode> children(
      String appId, Long sequenceId, int offset, int limit) {
    App a = apps.get(appId);
    if (a == null) {
      return Optional.empty();
    }
    List<String> ids = new ArrayList<>();
    for (Group g : a.groups.values()) {
      if (sequenceId == null || g.sequenceId == sequenceId) {
        ids.addAll(g.ordered());
      }
    }
    ObjectNode page = page(ids.size(), offset, limit);
    page.put("app_id", appId);
    ArrayNode items = page.putArray("items");
    for (String id : slice(ids, offset, limit)) {
      items.add(summary(apps.get(id)));
    }
    return Optional.of(page);
  }

  private ObjectNode summary(App a) {
    ObjectNode n = NODES.objectNode();
    n.put("app_id", a.appId);
    n.put("label", a.label);
    n.put("graph", a.graph);
    n.put("graph_version", a.graphVersion);
    n.put("entrypoint", a.entrypoint);
    n.put("status", status(a));
    n.put("error", a.jobError);
    n.put("waiting_for_input", a.waitingForInput);
    n.put("created_at_ms", a.createdAtMs);
    Long started = a.steps.isEmpty() ? null : startOf(a, a.steps.firstEntry().getValue());
    Step last = a.steps.isEmpty() ? null : a.steps.lastEntry().getValue();
    putTime(n, "started_at_ms", started);
    if (started != null) {
      boolean running = "running".equals(n.get("status").asText());
      long end =
          running ? clock.getAsLong() : (last.endedAtMs != null ? last.endedAtMs : a.lastEventMs);
      n.put("duration_ms", Math.max(0, end - started));
    }
    n.put("steps", a.steps.size());
    n.put("last_action", last == null ? null : last.action);
    n.put("current_action", currentAction(a));
    String root = root(a);
    n.put("root_app_id", root);
    if (a.parentAppId != null) {
      App p = apps.get(a.parentAppId);
      Group g =
          p == null ? null : p.groups.get(a.parentSequenceId == null ? -1L : a.parentSequenceId);
      ObjectNode parent = n.putObject("parent").put("app_id", a.parentAppId);
      if (a.parentSequenceId != null) {
        parent.put("sequence_id", a.parentSequenceId);
      }
      parent.put("action", g == null ? null : g.action);
      if (g != null
          && g.children.get(a.appId) != null
          && g.children.get(a.appId) != Integer.MAX_VALUE) {
        n.put("child_index", g.children.get(a.appId));
      }
    } else {
      n.putNull("parent");
    }
    ObjectNode counts = n.putObject("children");
    long total = 0;
    Map<String, Long> byStatus = new LinkedHashMap<>();
    byStatus.put("running", 0L);
    byStatus.put("completed", 0L);
    byStatus.put("failed", 0L);
    for (Group g : a.groups.values()) {
      for (String id : g.children.keySet()) {
        total++;
        App child = apps.get(id);
        byStatus.merge(
            child != null && child.waitingForInput ? "waiting" : status(child), 1L, Long::sum);
      }
      total += Math.max(0, g.total - g.children.size()); // launched, not seen yet
      byStatus.merge("running", Math.max(0, g.total - g.children.size()), Long::sum);
    }
    counts.put("total", total);
    byStatus.forEach(counts::put);
    return n;
  }

  /** Reduced (distributed), or its step ended (a local parallel step ends after its join). */
  private static boolean joinOver(App a, Group g) {
    Step s = a.steps.get(g.sequenceId);
    return g.reduced
        || (s != null && s.endedAtMs != null && s.error == null && !g.progressReported);
  }

  private ObjectNode group(App a, Group g) {
    ObjectNode n = NODES.objectNode();
    n.put("sequence_id", g.sequenceId).put("action", g.action);
    long total = Math.max(g.total, g.children.size());
    long done = g.progressReported ? g.done : 0;
    long completed = 0;
    long failed = 0;
    long waiting = 0;
    for (String id : g.children.keySet()) {
      App child = apps.get(id);
      String st = status(child);
      if (child != null && child.waitingForInput) {
        waiting++; // paused at a halt of its job: the join waits for it
      } else {
        completed +=
            st.equals("completed") || st.equals("halted") ? 1 : 0; // a child ends at its halt
      }
      failed += st.equals("failed") ? 1 : 0;
    }
    if (!g.progressReported) {
      done = completed + failed; // local runs: no join events, count the children that stopped
    }
    n.put("total", total)
        .put("done", Math.min(done, total))
        .put("reduced", joinOver(a, g))
        .put("completed", completed)
        .put("failed", failed)
        .put("waiting", waiting);
    return n;
  }

  /**
   * running, completed, failed, halted or cancelled: what the job's result or the application
   * itself reported when it stopped (an app of a cancelled job that had not, cancelled); until
   * then, running (failed as soon as a step failed).
   */
  String status(App a) {
    if (a.jobStatus != null) {
      return a.jobStatus.toLowerCase(Locale.ROOT);
    }
    App root = a.rootAppId == null ? null : apps.get(a.rootAppId);
    boolean jobCancelled = root != null && "CANCELLED".equals(root.jobStatus);
    if (a.endStatus != null && !(jobCancelled && "HALTED".equals(a.endStatus))) {
      return a.endStatus.toLowerCase(Locale.ROOT);
    }
    if (jobCancelled) {
      return "cancelled";
    }
    if (!a.steps.isEmpty() && a.steps.lastEntry().getValue().error != null) {
      return "failed";
    }
    return "running";
  }

  private static String stepStatus(Step s) {
    return s.error != null ? "failed" : s.endedAtMs == null ? "running" : "completed";
  }

  /** Where the app is: the action a halted app waits in front of, else its last step's. */
  private static String currentAction(App a) {
    if (a.haltedBefore != null) {
      return a.haltedBefore;
    }
    return a.steps.isEmpty() ? a.entrypoint : a.steps.lastEntry().getValue().action;
  }

  /**
   * When step {@code s} began: a parallel step at its fan-out (the worker that reduces it reports
   * only the reduce's own start), so its time, and its job's, covers its children.
   */
  private static Long startOf(App a, Step s) {
    Group g = a.groups.get(s.sequenceId);
    if (g == null || g.fannedOutAtMs == null) {
      return s.startedAtMs;
    }
    return s.startedAtMs == null ? g.fannedOutAtMs : Math.min(s.startedAtMs, g.fannedOutAtMs);
  }

  /** The inputs a halted app's resume must ({@code required}) and may give; null when not known. */
  private static JsonNode nextInputs(DeclaredInputs in) {
    if (in == null) {
      return NODES.nullNode();
    }
    ObjectNode n = NODES.objectNode().put("action", in.action());
    in.required().forEach(n.putArray("required")::add);
    in.accepted().forEach(n.putArray("accepted")::add);
    return n;
  }

  /** The model calls of {@code a}'s steps and of every step of its children, theirs, …. */
  private List<ModelCall> modelCallsOfTree(App a) {
    List<ModelCall> calls = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<App> next = new ArrayList<>(List.of(a));
    while (!next.isEmpty()) {
      App app = next.remove(next.size() - 1);
      if (!seen.add(app.appId)) {
        continue;
      }
      app.steps.values().forEach(s -> calls.addAll(s.modelCalls));
      for (Group g : app.groups.values()) {
        for (String child : g.children.keySet()) {
          App c = apps.get(child);
          if (c != null) {
            next.add(c);
          }
        }
      }
    }
    return calls;
  }

  /** Calls, tokens in and out and time summed, in all and per model. */
  private static ObjectNode usage(List<ModelCall> calls) {
    ObjectNode total = totals(calls);
    ObjectNode perModel = total.putObject("by_model");
    Map<String, List<ModelCall>> byModel = new TreeMap<>();
    calls.forEach(c -> byModel.computeIfAbsent(c.model(), m -> new ArrayList<>()).add(c));
    byModel.forEach((model, of) -> perModel.set(model, totals(of)));
    return total;
  }

  private static ObjectNode totals(List<ModelCall> calls) {
    return NODES
        .objectNode()
        .put("calls", calls.size())
        .put("input_tokens", calls.stream().mapToLong(ModelCall::inputTokens).sum())
        .put("output_tokens", calls.stream().mapToLong(ModelCall::outputTokens).sum())
        .put("duration_ms", calls.stream().mapToLong(ModelCall::durationMs).sum());
  }

  private static ObjectNode call(ModelCall c) {
    return NODES
        .objectNode()
        .put("model", c.model())
        .put("input_tokens", c.inputTokens())
        .put("output_tokens", c.outputTokens())
        .put("duration_ms", c.durationMs());
  }

  private String root(App a) {
    if (a.rootAppId != null) {
      return a.rootAppId;
    }
    App cur = a;
    for (int hops = 0; cur.parentAppId != null && hops < 64; hops++) {
      App p = apps.get(cur.parentAppId);
      if (p == null) {
        return cur.parentAppId;
      }
      cur = p;
    }
    return cur.appId;
  }

  /**
   * Keys added, changed (from, to) and removed between two states; internal {@code __} keys left
   * out.
   */
  static ObjectNode diff(JsonNode before, JsonNode after) {
    ObjectNode d = NODES.objectNode();
    ObjectNode added = d.putObject("added");
    ObjectNode changed = d.putObject("changed");
    ObjectNode removed = d.putObject("removed");
    JsonNode b = before == null || !before.isObject() ? NODES.objectNode() : before;
    JsonNode c = after == null || !after.isObject() ? NODES.objectNode() : after;
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode old = b.get(e.getKey());
      if (e.getKey().startsWith("__")) {
        continue;
      }
      if (old == null) {
        added.set(e.getKey(), e.getValue());
      } else if (!old.equals(e.getValue())) {
        changed.putObject(e.getKey()).<ObjectNode>set("from", old).set("to", e.getValue());
      }
    }
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!c.has(k) && !k.startsWith("__")) {
        removed.set(k, b.get(k));
      }
    }
    return d;
  }

  private static ObjectNode page(int total, int offset, int limit) {
    return NODES.objectNode().put("total", total).put("offset", offset).put("limit", limit);
  }

  private static <T> List<T> slice(List<T> all, int offset, int limit) {
    int from = Math.max(0, Math.min(offset, all.size()));
    return all.subList(from, Math.min(all.size(), from + Math.max(0, limit)));
  }

  private static void putTime(ObjectNode n, String key, Long v) {
    if (v == null) {
      n.putNull(key);
    } else {
      n.put(key, v);
    }
  }

  private static JsonNode orEmpty(JsonNode n) {
    return n == null ? NODES.objectNode() : n;
  }

  // ---------------------------------------------------------------- records

  /** A move of an app to version {@code to}, or, {@code refused} saying why, its refusal. */
  record Migration(
      String from, String to, String action, String nextAction, String refused, long atMs) {}

  static final class App {
    final String appId;
    boolean created;
    String graph;
    String graphVersion;
    String entrypoint;
    String partitionKey;
    GraphView shape;
    String endStatus;
    String haltedBefore;
    DeclaredInputs nextInputs; // halted: what a resume must and may give

    /** Paused at one of its job's halts, waiting for a resume (not where it ends). */
    boolean waitingForInput;

    /**
     * A root: the apps of its tree that wait for a resume, as its job's halted result named them.
     */
    List<String> waiting = List.of();

    /** What its running step streamed last, if anything. */
    Live live;

    /** A root: the apps of its tree that streamed, in the order they first did. */
    final Set<String> liveApps = new LinkedHashSet<>();

    /** Its moves between versions of its graph (bramble migrate), and the ones it refused. */
    final List<Migration> migrations = new ArrayList<>();

    /** Pools where tasks of this job wait with no worker, with each one's waiting tasks. */
    final Map<String, Long> waitingForPools = new TreeMap<>();

    String rootAppId;
    String parentAppId;
    Long parentSequenceId;
    String jobStatus;
    String jobError;
    String label; // a child's place in its job's tree, as people read it
    long createdAtMs;
    long lastEventMs;
    final TreeMap<Long, Step> steps = new TreeMap<>();
    final TreeMap<Long, Group> groups = new TreeMap<>();

    App(String appId) {
      this.appId = appId;
    }

    Group group(long sequenceId) {
      return groups.computeIfAbsent(sequenceId, Group::new);
    }
  }

  /** The text an app's step streamed in its latest run, its last {@value #MAX_TEXT} characters. */
  static final class Live {
    static final int MAX_TEXT = 4000;
    final String label;
    final String action;
    final long sequenceId;
    String runId;
    int attempt;
    final StringBuilder text = new StringBuilder();

    Live(String label, String action, long sequenceId) {
      this.label = label;
      this.action = action;
      this.sequenceId = sequenceId;
    }
  }

  static final class Step {
    final long sequenceId;
    String action;
    JsonNode inputs;
    JsonNode stateBefore;
    JsonNode result;
    JsonNode state;
    Long startedAtMs;
    Long endedAtMs;
    String error;
    String stackTrace;
    List<ModelCall> modelCalls = List.of();
    int attempts = 1;

    Step(long sequenceId) {
      this.sequenceId = sequenceId;
    }
  }

  /** The children of one parallel step, with the join's progress. */
  static final class Group {
    final long sequenceId;
    String action;
    long total;
    long done;
    boolean reduced;
    boolean progressReported;
    Long fannedOutAtMs; // when its children were sent: where the parallel step's time starts

    /** Child app id → child index (MAX_VALUE while unknown), in the order first seen. */
    final Map<String, Integer> children = new LinkedHashMap<>();

    List<String> ordered;

    Group(long sequenceId) {
      this.sequenceId = sequenceId;
    }

    List<String> ordered() {
      if (ordered == null) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(children.entrySet());
        entries.sort(Map.Entry.comparingByValue()); // stable: unknown indexes keep arrival order
        List<String> ids = new ArrayList<>(entries.size());
        entries.forEach(e -> ids.add(e.getKey()));
        ordered = ids;
      }
      return ordered;
    }
  }
}
