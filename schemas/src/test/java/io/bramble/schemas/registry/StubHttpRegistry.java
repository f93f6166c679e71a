package io.bramble.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A JDK HttpServer that answers under a path prefix (as Apicurio's {@code /apis/ccompat/v7}) with a
 * handler the test sets, and records every request.
 */
final class StubHttpRegistry implements AutoCloseable {
  static final String PREFIX = "/apis/ccompat/v7";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  record Response(int status, String body) {
    static Response ok(String body) {
      return new Response(200, body);
    }

    static Response error(int status, int code, String message) {
      ObjectNode n = JSON.createObjectNode();
      n.put("error_code", code);
      n.put("message", message);
      return new Response(status, n.toString());
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private volatile Function<Request, Response> handler =
      r -> Response.error(500, 50001, "no handler");

  StubHttpRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
  }

  void answer(Function<Request, Response> h) {
    this.handler = h;
  }

  /** Answers like a real registry, backed by an {@link InMemorySchemaRegistry}. */
  void actLike(InMemorySchemaRegistry registry) {
    Pattern subjectVersions = Pattern.compile("/subjects/([^/]+)/versions");
    Pattern latest = Pattern.compile("/subjects/([^/]+)/versions/latest");
    Pattern byId = Pattern.compile("/schemas/ids/(\\d+)");
    Pattern compatibility = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");
    Pattern config = Pattern.compile("/config(?:/([^/]+))?");
    answer(
        r -> {
          try {
            Matcher m;
            if ((m = latest.matcher(r.path())).matches()) {
              SchemaVersion v = registry.latest(decode(m.group(1)));
              ObjectNode n = JSON.createObjectNode();
              n.put("subject", v.subject())
                  .put("version", v.version())
                  .put("id", v.id())
                  .put("schema", v.schema().toString());
              return Response.ok(n.toString());
            }
            if ((m = subjectVersions.matcher(r.path())).matches()) {
              if (r.method().equals("POST")) {
                Schema schema = new Schema.Parser().parse(r.json().get("schema").asText());
                return Response.ok(
                    "{\"id\":" + registry.register(decode(m.group(1)), schema) + "}");
              }
              return Response.ok(JSON.writeValueAsString(registry.versions(decode(m.group(1)))));
            }
            if ((m = byId.matcher(r.path())).matches()) {
              Schema schema = registry.getById(Integer.parseInt(m.group(1)));
              return Response.ok(
                  JSON.createObjectNode().put("schema", schema.toString()).toString());
            }
            if ((m = compatibility.matcher(r.path())).matches()) {
              String subject = decode(m.group(1));
              registry.latest(subject); // 404 for an unknown subject, as Confluent
              Schema schema = new Schema.Parser().parse(r.json().get("schema").asText());
              return Response.ok(
                  "{\"is_compatible\":" + registry.isCompatible(subject, schema) + "}");
            }
            if ((m = config.matcher(r.path())).matches()) {
              String subject = m.group(1) == null ? null : decode(m.group(1));
              if (r.method().equals("PUT")) {
                String level = r.json().get("compatibility").asText();
                if (subject == null) {
                  registry.setGlobalCompatibility(level);
                } else {
                  registry.setCompatibility(subject, level);
                }
                return Response.ok(JSON.createObjectNode().put("compatibility", level).toString());
              }
              String level =
                  subject == null
                      ? registry.getGlobalCompatibility()
                      : registry.getCompatibility(subject);
              return Response.ok(
                  JSON.createObjectNode().put("compatibilityLevel", level).toString());
            }
            return Response.error(404, 404, "HTTP 404 Not Found");
          } catch (SchemaRegistryException e) {
            return Response.error(e.httpStatus(), e.errorCode(), e.getMessage());
          } catch (Exception e) {
            return Response.error(500, 50001, e.toString());
          }
        });
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getRawPath();
    Request request =
        new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body);
    requests.add(request);
    Response response;
    if (!path.startsWith(PREFIX)) {
      response = Response.error(404, 404, "not under " + PREFIX);
    } else {
      response =
          handler.apply(
              new Request(
                  request.method(), path.substring(PREFIX.length()), request.headers(), body));
    }
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
