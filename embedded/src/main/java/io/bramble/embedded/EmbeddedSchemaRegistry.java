package io.bramble.embedded;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema registry speaking the Confluent REST API (the subset serializers and Bramble's client
 * use), Avro only, for {@code bramble dev} and tests.
 *
 * <p>Every registration and config change is a record in the compacted topic {@code _schemas} of
 * the given broker; a start reads that topic to its end, so ids and versions survive restarts.
 * Compatibility is BACKWARD unless configured otherwise; an incompatible schema is refused with
 * HTTP 409.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
 *     String url = registry.url();   // http://localhost:PORT
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  /** Confluent's content type, used for every response. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** The default topic holding the registry's state. */
  public static final String DEFAULT_TOPIC = "_schemas";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaStore store;
  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] expectedAuthorization;

  private EmbeddedSchemaRegistry(Builder builder) {
    this.expectedAuthorization =
        builder.user == null
            ? null
            : ("Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (builder.user + ":" + builder.password)
                                .getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    this.store =
        new SchemaStore(
            builder.bootstrapServers,
            builder.topic,
            builder.replicationFactor,
            builder.clientProperties);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 64);
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("Cannot listen on " + builder.host + ":" + builder.port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "bramble-schema-registry-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
    this.server = http;
  }

  /** Starts a registry on {@code port} (0 = a free port) storing its state in {@code _schemas}. */
  public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
    return builder(bootstrapServers).port(port).start();
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** {@code http://localhost:PORT}, the base URL for clients and serializers. */
  public String url() {
    return "http://localhost:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = 200;
      JsonNode body;
      try {
        if (!authorized(exchange)) {
          exchange
              .getResponseHeaders()
              .add("WWW-Authenticate", "Basic realm=\"bramble-schema-registry\"");
          throw new RegistryException(401, 401, "Unauthorized");
        }
        body = route(exchange.getRequestMethod(), segments(exchange), exchange);
      } catch (RegistryException e) {
        status = e.status();
        body = error(e.errorCode(), e.getMessage());
      } catch (RuntimeException e) {
        status = 500;
        body = error(500, "Internal Server Error: " + e);
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private JsonNode route(String method, List<String> path, HttpExchange exchange)
      throws IOException {
    int n = path.size();
    String first = n > 0 ? path.get(0) : "";
    switch (first) {
      case "":
        if (n == 0 && method.equals("GET")) {
          return JSON.createObjectNode();
        }
        break;
      case "subjects":
        if (n == 1 && method.equals("GET")) {
          return strings(store.subjects());
        }
        if (n == 2 && method.equals("POST")) {
          return versionJson(store.lookup(path.get(1), schemaOf(exchange)));
        }
        if (n == 3 && path.get(2).equals("versions")) {
          if (method.equals("GET")) {
            ArrayNode versions = JSON.createArrayNode();
            store.versions(path.get(1)).forEach(versions::add);
            return versions;
          }
          if (method.equals("POST")) {
            int id = store.register(path.get(1), schemaOf(exchange));
            return JSON.createObjectNode().put("id", id);
          }
        }
        if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
          return versionJson(store.version(path.get(1), path.get(3)));
        }
        if (n == 5
            && path.get(2).equals("versions")
            && path.get(4).equals("schema")
            && method.equals("GET")) {
          return JSON.readTree(store.version(path.get(1), path.get(3)).schema());
        }
        break;
      case "schemas":
        if (n == 2 && path.get(1).equals("types") && method.equals("GET")) {
          return strings(List.of("AVRO"));
        }
        if (n >= 3 && path.get(1).equals("ids") && method.equals("GET")) {
          int id = schemaId(path.get(2));
          if (n == 3) {
            return JSON.createObjectNode().put("schema", store.schemaById(id));
          }
          if (n == 4 && path.get(3).equals("versions")) {
            ArrayNode result = JSON.createArrayNode();
            for (SchemaStore.Version v : store.versionsOfId(id)) {
              result.addObject().put("subject", v.subject()).put("version", v.version());
            }
            return result;
          }
          if (n == 4 && path.get(3).equals("subjects")) {
            return strings(
                store.versionsOfId(id).stream()
                    .map(SchemaStore.Version::subject)
                    .distinct()
                    .toList());
          }
          if (n == 4 && path.get(3).equals("schema")) {
            return JSON.readTree(store.schemaById(id));
          }
        }
        break;
      case "compatibility":
        if (method.equals("POST")
            && n >= 4
            && path.get(1).equals("subjects")
            && path.get(3).equals("versions")) {
          if (n == 4 || n == 5) {
            List<String> messages =
                store.testCompatibility(
                    path.get(2), n == 5 ? path.get(4) : null, schemaOf(exchange));
            ObjectNode result = JSON.createObjectNode().put("is_compatible", messages.isEmpty());
            result.set("messages", strings(messages));
            return result;
          }
        }
        break;
      case "config":
        if (n == 1 && method.equals("GET")) {
          return JSON.createObjectNode().put("compatibilityLevel", store.globalLevel().name());
        }
        if (n == 1 && method.equals("PUT")) {
          CompatibilityLevel level = compatibilityOf(exchange);
          store.setGlobalLevel(level);
          return JSON.createObjectNode().put("compatibility", level.name());
        }
        if (n == 2 && method.equals("GET")) {
          CompatibilityLevel level = store.subjectLevel(path.get(1));
          if (level == null) {
            if (!"true".equals(queryParameter(exchange, "defaultToGlobal"))) {
              throw RegistryException.subjectConfigNotFound(path.get(1));
            }
            level = store.globalLevel();
          }
          return JSON.createObjectNode().put("compatibilityLevel", level.name());
        }
        if (n == 2 && method.equals("PUT")) {
          CompatibilityLevel level = compatibilityOf(exchange);
          store.setSubjectLevel(path.get(1), level);
          return JSON.createObjectNode().put("compatibility", level.name());
        }
        break;
      default:
        throw new RegistryException(404, 404, "HTTP 404 Not Found");
    }
    throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
  }

  private boolean authorized(HttpExchange exchange) {
    if (expectedAuthorization == null) {
      return true;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    return given != null
        && MessageDigest.isEqual(
            expectedAuthorization, given.trim().getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded segments of the request path, without empty ones. */
  private static List<String> segments(HttpExchange exchange) {
    List<String> segments = new ArrayList<>();
    for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
      if (!raw.isEmpty()) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static String queryParameter(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static JsonNode requestBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      JsonNode node = bytes.length == 0 ? null : JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new RegistryException(400, 400, "Request body must be a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new RegistryException(
          400, 400, "Unrecognized JSON in the request body: " + e.getOriginalMessage());
    }
  }

  /** The {@code schema} of a request body; Avro only. */
  private static String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = requestBody(exchange);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.isEmpty() && !type.equalsIgnoreCase("AVRO")) {
      throw new RegistryException(
          422, 42201, "Invalid schema type " + type + ": this registry stores AVRO schemas only");
    }
    JsonNode references = body.path("references");
    if (references.isArray() && references.size() > 0) {
      throw new RegistryException(
          422, 42201, "Invalid schema: schema references are not supported by this registry");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw RegistryException.invalidSchema("(no \"schema\" string in the request body)");
    }
    return schema.asText();
  }

  private static CompatibilityLevel compatibilityOf(HttpExchange exchange) throws IOException {
    JsonNode body = requestBody(exchange);
    String name = body.path("compatibility").asText(null);
    CompatibilityLevel level = CompatibilityLevel.parse(name);
    if (level == null) {
      throw RegistryException.invalidCompatibility(name);
    }
    return level;
  }

  private static int schemaId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryException(404, 40403, "Schema " + text + " not found");
    }
  }

  private static ObjectNode versionJson(SchemaStore.Version v) {
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  private static ObjectNode error(int code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }

  /** Settings of an {@link EmbeddedSchemaRegistry}. */
  public static final class Builder {
    private final String bootstrapServers;
    private int port;
    private String host = "localhost";
    private String topic = DEFAULT_TOPIC;
    private Optional<Short> replicationFactor = Optional.empty();
    private String user;
    private String password;
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** HTTP port; 0, the default, picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Interface to listen on; {@code localhost} unless set ({@code 0.0.0.0} for all). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The compacted topic holding the registry's state; {@code _schemas} unless set. */
    public Builder topic(String topic) {
      this.topic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /**
     * Replicas of the topic when the registry creates it; the brokers' {@code
     * default.replication.factor} unless set. Without the topic no record decodes: on a cluster of
     * several brokers, replicate it as much as Bramble's own topics.
     */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "replication factor must be between 1 and "
                + Short.MAX_VALUE
                + ": "
                + replicationFactor);
      }
      this.replicationFactor = Optional.of((short) replicationFactor);
      return this;
    }

    /** Requires HTTP basic authentication with these credentials (401 otherwise). */
    public Builder basicAuth(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Properties for the registry's own Kafka clients (the admin client that creates the topic, its
     * producer and consumer), e.g. {@code security.protocol}, {@code sasl.mechanism} and {@code
     * sasl.jaas.config} on a secured broker. The user they log in as needs CREATE (or an existing
     * topic), READ, WRITE and DESCRIBE on the topic.
     */
    public Builder clientProperties(Map<String, String> clientProperties) {
      this.clientProperties.clear();
      this.clientProperties.putAll(Objects.requireNonNull(clientProperties, "clientProperties"));
      return this;
    }

    /** Reads the topic to its end, then serves. */
    public EmbeddedSchemaRegistry start() {
      return new EmbeddedSchemaRegistry(this);
    }
  }
}
