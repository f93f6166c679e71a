package io.bramble.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.bramble.core.state.StateJson;
import io.bramble.runtime.HealthServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The web UI: static pages (HTML, CSS and plain JavaScript from {@code /ui} on the class path, no
 * build step) and a JSON API over a {@link UiStore}, on the JDK's HTTP server.
 *
 * <pre>
 * GET /                                   the apps list
 * GET /app?id=ID                          one app's page
 * GET /api/apps?q=&amp;offset=&amp;limit=          root apps newest first (q: any app whose id contains it)
 * GET /api/app?id=ID                      steps, state diffs, graph (SVG), parallel steps
 * GET /api/children?id=ID&amp;seq=&amp;offset=&amp;limit=   a page of an app's children (seq: of one step)
 * GET /api/value?sha256=DIGEST            a value kept in the value store, whole (the page loads it on demand)
 * GET /api/info                           the source; whether the page may resume apps, and the token it sends
 * POST /api/resume {"app_id", "inputs"}   resumes a halted app (only with a {@link Resumer}; see {@link CrossSiteGuard})
 * GET /health/live, /health/ready
 * </pre>
 */
public final class UiServer implements AutoCloseable {
  /** Children and apps per page unless asked otherwise; at most {@link #MAX_LIMIT}. */
  public static final int PAGE = 50;

  static final int MAX_LIMIT = 500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "css",
          "text/css; charset=utf-8",
          "svg",
          "image/svg+xml",
          "png",
          "image/png");

  /** The largest resume request read: inputs are a person's answers, not documents. */
  static final int MAX_RESUME_BYTES = 1 << 20;

  private final HttpServer server;
  private final ExecutorService executor;
  private final UiStore store;
  private final Resumer resumer; // null: the page only shows how to resume
  private final CrossSiteGuard guard;

  private UiServer(
      HttpServer server,
      ExecutorService executor,
      UiStore store,
      Resumer resumer,
      CrossSiteGuard guard) {
    this.server = server;
    this.executor = executor;
    this.store = store;
    this.resumer = resumer;
    this.guard = guard;
  }

  /**
   * The address the UI listens on unless told otherwise: this machine only, like the dev cluster's
   * Kafka.
   */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Serves {@code store} on {@link #DEFAULT_HOST}, {@code port} (0: any free one). */
  public static UiServer start(UiStore store, int port) throws IOException {
    return start(store, DEFAULT_HOST, port);
  }

  /**
   * Serves {@code store} on {@code host} ({@code 0.0.0.0}: every interface) and {@code port} (0:
   * any free one); {@link #close()} stops the server and closes the store.
   */
  public static UiServer start(UiStore store, String host, int port) throws IOException {
    return start(store, host, port, null);
  }

  /**
   * As {@link #start(UiStore, String, int)}; with a {@code resumer} (null: none) a halted app's
   * page offers a form that resumes it.
   */
  public static UiServer start(UiStore store, String host, int port, Resumer resumer)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            16, // a resume holds its thread until the coordinator answers (up to 30 s)
            r -> {
              Thread t = new Thread(r, "bramble-ui-http");
              t.setDaemon(true);
              return t;
            });
    UiServer ui = new UiServer(server, executor, store, resumer, new CrossSiteGuard(host));
    server.createContext("/api/", ui.guarded(ui::api));
    server.createContext("/static/", ui.guarded(ui::asset));
    server.createContext("/", ui.guarded(ui::page));
    HealthServer.install(
        server,
        () ->
            store.ready()
                ? HealthServer.Readiness.ready(store.description())
                : HealthServer.Readiness.notReady("catching up: " + store.description()));
    server.setExecutor(executor);
    server.start();
    return ui;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://localhost:PORT/}. */
  public String url() {
    return "http://localhost:" + port() + "/";
  }

  public UiStore store() {
    return store;
  }

  /** {@code handler}, for requests that name this UI as {@link CrossSiteGuard} allows. */
  private HttpHandler guarded(HttpHandler handler) {
    return ex -> {
      String refusal = guard.hostRefusal(ex.getRequestHeaders());
      if (refusal != null) {
        send(ex, 403, "text/plain; charset=utf-8", refusal.getBytes(StandardCharsets.UTF_8));
      } else {
        handler.handle(ex);
      }
    };
  }

  private void page(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    switch (path) {
      case "/", "/index.html" -> resource(ex, "index.html");
      case "/app" -> resource(ex, "app.html");
      default ->
          send(
              ex,
              404,
              "text/plain; charset=utf-8",
              ("not found: " + path).getBytes(StandardCharsets.UTF_8));
    }
  }

  private void asset(HttpExchange ex) throws IOException {
    String name = ex.getRequestURI().getPath().substring("/static/".length());
    if (!name.matches("[A-Za-z0-9._-]+") || name.contains("..")) {
      send(ex, 404, "text/plain", new byte[0]);
      return;
    }
    resource(ex, name);
  }

  private void resource(HttpExchange ex, String name) throws IOException {
    try (InputStream in = UiServer.class.getResourceAsStream("/ui/" + name)) {
      if (in == null) {
        send(
            ex,
            404,
            "text/plain; charset=utf-8",
            ("not found: " + name).getBytes(StandardCharsets.UTF_8));
        return;
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
    }
  }

  private void api(HttpExchange ex) throws IOException {
    try {
      if ("/api/resume".equals(ex.getRequestURI().getPath())) {
        resume(ex);
        return;
      }
      if (!"GET".equals(ex.getRequestMethod())) {
        json(ex, 405, error("only GET"));
        return;
      }
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
      int limit = intParam(q, "limit", PAGE, 1, MAX_LIMIT);
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/api/apps" -> json(ex, 200, store.list(q.get("q"), offset, limit));
        case "/api/app" -> found(ex, store.app(required(q, "id")), q.get("id"));
        case "/api/children" ->
            found(
                ex,
                store.children(
                    required(q, "id"),
                    q.get("seq") == null || q.get("seq").isEmpty()
                        ? null
                        : Long.parseLong(q.get("seq")),
                    offset,
                    limit),
                q.get("id"));
        case "/api/value" -> {
          String sha256 = required(q, "sha256");
          Optional<JsonNode> value = store.value(sha256);
          if (value.isPresent()) {
            json(ex, 200, JsonNodeFactory.instance.objectNode().set("value", value.get()));
          } else {
            json(ex, 404, error("no stored value " + sha256 + " here (removed with its job?)"));
          }
        }
        case "/api/info" -> {
          ObjectNode info =
              JsonNodeFactory.instance
                  .objectNode()
                  .put("source", store.description())
                  .put("ready", store.ready())
                  .put("apps", store.index().size())
                  .put("resume", resumer != null);
          if (resumer != null) {
            info.put("token", guard.token());
          }
          json(ex, 200, info);
        }
        default -> json(ex, 404, error("no such endpoint: " + path));
      }
    } catch (IllegalArgumentException e) {
      json(ex, 400, error(e.getMessage()));
    } catch (RuntimeException e) {
      json(ex, 500, error(e.toString()));
    }
  }

  /** POST /api/resume: what {@code bramble resume APP_ID --inputs JSON} does, from the page. */
  private void resume(HttpExchange ex) throws IOException {
    if (!"POST".equals(ex.getRequestMethod())) {
      json(ex, 405, error("only POST"));
      return;
    }
    if (resumer == null) {
      json(
          ex,
          403,
          error(
              "resuming from the page is off: start the UI with --allow-resume"
                  + " (BRAMBLE_UI_ALLOW_RESUME=true), or use bramble resume"));
      return;
    }
    String refusal = guard.refusal(ex.getRequestHeaders());
    if (refusal != null) {
      json(ex, 403, error(refusal));
      return;
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      json(ex, 415, error("send the resume as application/json"));
      return;
    }
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_RESUME_BYTES + 1);
      if (bytes.length > MAX_RESUME_BYTES) {
        json(ex, 413, error("a resume's inputs may take at most " + MAX_RESUME_BYTES + " bytes"));
        return;
      }
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      json(ex, 400, error("the resume is not JSON: " + e.getOriginalMessage()));
      return;
    }
    String appId = body == null ? null : body.path("app_id").asText(null);
    if (appId == null || appId.isEmpty()) {
      json(ex, 400, error("the resume names no app_id"));
      return;
    }
    JsonNode inputs = body.path("inputs");
    if (!inputs.isMissingNode() && !inputs.isObject()) {
      json(ex, 400, error("inputs must be a JSON object of input name to value"));
      return;
    }
    Map<String, Object> given = new LinkedHashMap<>();
    inputs.fields().forEachRemaining(e -> given.put(e.getKey(), StateJson.fromNode(e.getValue())));
    try {
      Resumer.Resumed r = resumer.resume(appId, given);
      json(
          ex,
          200,
          JsonNodeFactory.instance
              .objectNode()
              .put("app_id", r.appId())
              .put("root_app_id", r.rootAppId())
              .put("sequence_id", r.sequenceId())
              .put("action", r.action()));
    } catch (IllegalStateException e) {
      json(ex, 409, error("resume refused: " + e.getMessage()));
    } catch (TimeoutException e) {
      json(ex, 504, error(e.getMessage()));
    }
  }

  private static void found(HttpExchange ex, Optional<? extends JsonNode> body, String id)
      throws IOException {
    if (body.isPresent()) {
      json(ex, 200, body.get());
    } else {
      json(ex, 404, error("no app " + id));
    }
  }

  private static JsonNode error(String message) {
    return JsonNodeFactory.instance.objectNode().put("error", message);
  }

  private static String required(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("missing parameter " + key);
    }
    return v;
  }

  private static int intParam(Map<String, String> q, String key, int fallback, int min, int max) {
    String v = q.get(key);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    // no other site may frame a page and have a person click in it (a resume)
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    ex.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (resumer != null) {
      resumer.close();
    }
    store.close();
  }
}
