package io.bramble.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Liveness and readiness over HTTP, for container healthchecks and orchestrators: {@code GET
 * /health/live} answers 200 while the process runs, {@code GET /health/ready} 200 when the
 * readiness check says so and 503 otherwise; the body is a one-line reason.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String METRICS = "/metrics";

  /** Whether a process can do its work now, and why (or why not). */
  public record Readiness(boolean ready, String detail) {
    public static Readiness ready(String detail) {
      return new Readiness(true, detail);
    }

    public static Readiness notReady(String detail) {
      return new Readiness(false, detail);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** The address the endpoints listen on unless told otherwise: this machine only, as the UI's. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * Serves the endpoints on {@code port} of {@value #DEFAULT_HOST} (0: a free port, see {@link
   * #port()}).
   */
  public static HealthServer start(int port, Supplier<Readiness> readiness) throws IOException {
    return start(DEFAULT_HOST, port, readiness, null);
  }

  /**
   * Serves the endpoints on {@code host} ({@code 0.0.0.0}: every interface) and {@code port}, also
   * serving {@code meters} at {@value #METRICS} for Prometheus (when not null).
   */
  public static HealthServer start(
      String host, int port, Supplier<Readiness> readiness, PrometheusMeterRegistry meters)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      throw new BindException(
          "the health server cannot listen on "
              + host
              + ":"
              + port
              + ", in use or not an address of this machine (set --health-host/--health-port or"
              + " BRAMBLE_HEALTH_HOST/BRAMBLE_HEALTH_PORT; port 0 disables): "
              + e.getMessage());
    }
    install(server, readiness);
    if (meters != null) {
      server.createContext(
          METRICS,
          exchange ->
              respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape()));
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "bramble-health");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new HealthServer(server, executor);
  }

  /** Adds the two endpoints to {@code server}, e.g. one that serves a UI too. */
  public static void install(HttpServer server, Supplier<Readiness> readiness) {
    server.createContext(LIVE, exchange -> respond(exchange, 200, "live"));
    server.createContext(
        READY,
        exchange -> {
          Readiness r;
          try {
            r = readiness.get();
          } catch (RuntimeException e) {
            r = Readiness.notReady("readiness check failed: " + e);
          }
          respond(
              exchange,
              r.ready() ? 200 : 503,
              (r.ready() ? "ready" : "not ready") + ": " + r.detail());
        });
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Where it listens. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  static void respond(HttpExchange exchange, int status, String body) throws IOException {
    respond(exchange, status, "text/plain; charset=utf-8", body);
  }

  static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean exact =
          exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath());
      if (!exact) {
        status = 404;
        body = "not found";
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        status = 405;
        body = "method not allowed";
      }
      byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
      exchange
          .getResponseHeaders()
          .set("Content-Type", status == 200 ? contentType : "text/plain; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
