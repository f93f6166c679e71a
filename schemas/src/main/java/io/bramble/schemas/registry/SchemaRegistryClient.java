package io.bramble.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API over {@link HttpClient}. Works against
 * Confluent Schema Registry, Apicurio Registry ({@code http://host:port/apis/ccompat/v7}) and
 * Karapace: the base URL may carry a path prefix, and every endpoint is appended to it.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder("http://localhost:8081")
 *     .basicAuth("user:secret")              // optional
 *     .build();
 * int id = registry.register("bramble.tasks-value", Task.getClassSchema());
 * }</pre>
 *
 * <p><b>Caching.</b> Schemas by id and ids by (subject, schema) are cached for the client's life,
 * so in steady state the serdes make no HTTP calls. {@link #latest}, {@link #versions}, {@link
 * #isCompatible} and the config calls always ask the registry.
 *
 * <p><b>Failures.</b> An {@link IOException} (connection refused, timeout) or a 5xx answer is
 * retried with exponential backoff ({@link Builder#maxRetries}, {@link Builder#initialBackoff}); a
 * 4xx is not. Errors are mapped to {@link RegistryUnreachableException} (naming the URL), {@link
 * IncompatibleSchemaException} (409, naming the subject, with the registry's message), {@link
 * SchemaNotFoundException} (404), {@link InvalidSchemaException} (422), or else a {@link
 * SchemaRegistryException} carrying the HTTP status and Confluent error code. TLS uses the JDK's
 * default trust store (pass your own {@link HttpClient} to {@link Builder#httpClient} for more).
 *
 * <p>Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

  /**
   * Kafka-style config key of the registry URL (a comma-separated list is accepted; the first is
   * used).
   */
  public static final String URL_CONFIG = "schema.registry.url";

  /** Kafka-style config key of basic-auth credentials, {@code user:password}. */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";

  /** The registry's content type. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final String authorization;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, Schema schema) {}

  private SchemaRegistryClient(Builder b) {
    String url = b.baseUrl.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    this.baseUrl = url;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    this.authorization =
        b.userInfo == null || b.userInfo.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(b.userInfo.getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = b.requestTimeout;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
  }

  /**
   * A builder for a client of the registry at {@code baseUrl} (e.g. {@code http://localhost:8081}).
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * A client configured from Kafka-style configs: {@value #URL_CONFIG} (required) and {@value
   * #BASIC_AUTH_USER_INFO_CONFIG} (optional).
   */
  public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
    Object url = configs.get(URL_CONFIG);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException("missing config " + URL_CONFIG);
    }
    String first = url.toString().split(",")[0].trim();
    Builder b = builder(first);
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO_CONFIG);
    if (userInfo != null) {
      b.basicAuth(userInfo.toString());
    }
    return b.build();
  }

  /** The base URL every endpoint is appended to. */
  public String baseUrl() {
    return baseUrl;
  }

  // ---- API ---------------------------------------------------------------------------------

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    String path = "/subjects/" + segment(subject) + "/versions";
    JsonNode answer =
        call(
            "POST",
            path,
            schemaBody(schema),
            "register schema under subject '" + subject + "'",
            subject);
    int id = requireField(answer, "id", path).asInt();
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String path = "/schemas/ids/" + id;
    JsonNode answer = call("GET", path, null, "get schema id " + id, null);
    Schema schema = parseSchema(answer, path, "schema id " + id);
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  @Override
  public SchemaVersion latest(String subject) {
    String path = "/subjects/" + segment(subject) + "/versions/latest";
    JsonNode answer =
        call("GET", path, null, "get latest version of subject '" + subject + "'", subject);
    int id = requireField(answer, "id", path).asInt();
    Schema schema = parseSchema(answer, path, "subject '" + subject + "'");
    schemasById.putIfAbsent(id, schema);
    return new SchemaVersion(
        answer.path("subject").asText(subject),
        requireField(answer, "version", path).asInt(),
        id,
        schema);
  }

  @Override
  public List<Integer> versions(String subject) {
    String path = "/subjects/" + segment(subject) + "/versions";
    JsonNode answer =
        call("GET", path, null, "list versions of subject '" + subject + "'", subject);
    if (!answer.isArray()) {
      throw new SchemaRegistryException(
          "registry at "
              + baseUrl
              + " answered GET "
              + path
              + " with "
              + answer
              + ", expected an array",
          200,
          SchemaRegistryException.NONE);
    }
    List<Integer> versions = new ArrayList<>();
    answer.forEach(v -> versions.add(v.asInt()));
    return versions;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    String path = "/compatibility/subjects/" + segment(subject) + "/versions/latest";
    try {
      JsonNode answer =
          call(
              "POST",
              path,
              schemaBody(schema),
              "check compatibility with subject '" + subject + "'",
              subject);
      return requireField(answer, "is_compatible", path).asBoolean();
    } catch (SchemaNotFoundException e) {
      if (e.errorCode() == SchemaNotFoundException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaNotFoundException.VERSION_NOT_FOUND) {
        return true; // a new subject accepts any valid schema
      }
      throw e; // a 404 without a registry error code: most likely a wrong base URL
    }
  }

  @Override
  public String getCompatibility(String subject) {
    try {
      JsonNode answer =
          call(
              "GET",
              "/config/" + segment(subject),
              null,
              "get compatibility of subject '" + subject + "'",
              subject);
      return level(answer, "/config/" + segment(subject));
    } catch (SchemaNotFoundException e) {
      return getGlobalCompatibility(); // the subject has no level of its own
    }
  }

  @Override
  public void setCompatibility(String subject, String level) {
    call(
        "PUT",
        "/config/" + segment(subject),
        levelBody(level),
        "set compatibility of subject '" + subject + "'",
        subject);
  }

  @Override
  public String getGlobalCompatibility() {
    return level(call("GET", "/config", null, "get global compatibility", null), "/config");
  }

  @Override
  public void setGlobalCompatibility(String level) {
    call("PUT", "/config", levelBody(level), "set global compatibility", null);
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private JsonNode call(String method, String path, String body, String what, String subject) {
    String url = baseUrl + path;
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(requestTimeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    if (body != null) {
      rb.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = rb.build();

    HttpResponse<String> response = null;
    IOException lastFailure = null;
    for (int attempt = 0; ; attempt++) {
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        lastFailure = null;
        if (response.statusCode() < 500 || attempt >= maxRetries) {
          break;
        }
      } catch (IOException e) {
        lastFailure = e;
        if (attempt >= maxRetries) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted while trying to " + what + " at " + url, e);
      }
      sleep(backoff(attempt), what, url);
    }
    if (lastFailure != null) {
      throw new RegistryUnreachableException(
          url,
          "schema registry unreachable at "
              + url
              + " ("
              + method
              + ", tried "
              + (maxRetries + 1)
              + " times) trying to "
              + what
              + ": "
              + describe(lastFailure),
          lastFailure);
    }
    int status = response.statusCode();
    JsonNode json = parseJson(response.body());
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw new SchemaRegistryException(
            "registry at "
                + url
                + " answered "
                + status
                + " with a body that is not"
                + " JSON: "
                + abbreviate(response.body()),
            status,
            SchemaRegistryException.NONE);
      }
      return json;
    }
    throw error(status, json, response.body(), what, subject, url);
  }

  private SchemaRegistryException error(
      int status, JsonNode json, String rawBody, String what, String subject, String url) {
    int code =
        json != null && json.has("error_code")
            ? json.get("error_code").asInt()
            : SchemaRegistryException.NONE;
    String registryMessage =
        json != null && json.hasNonNull("message")
            ? json.get("message").asText()
            : abbreviate(rawBody);
    String message =
        "could not "
            + what
            + ": registry at "
            + baseUrl
            + " answered HTTP "
            + status
            + (code != SchemaRegistryException.NONE ? " (error " + code + ")" : "")
            + ": "
            + registryMessage;
    switch (status) {
      case 404:
        return new SchemaNotFoundException(message, code);
      case 409:
        return new IncompatibleSchemaException(
            subject, "schema is incompatible with subject '" + subject + "': " + message, code);
      case 422:
        return new InvalidSchemaException(message, code);
      default:
        return new SchemaRegistryException(message, status, code);
    }
  }

  private Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis() << Math.min(attempt, 20);
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }

  private static void sleep(Duration d, String what, String url) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while trying to " + what + " at " + url, e);
    }
  }

  // ---- JSON --------------------------------------------------------------------------------

  private static String schemaBody(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private static String levelBody(String level) {
    ObjectNode body = JSON.createObjectNode();
    body.put("compatibility", Objects.requireNonNull(level, "compatibility level"));
    return body.toString();
  }

  private String level(JsonNode answer, String path) {
    // GET answers {"compatibilityLevel":...}; some registries answer {"compatibility":...}
    JsonNode level =
        answer.hasNonNull("compatibilityLevel")
            ? answer.get("compatibilityLevel")
            : answer.get("compatibility");
    if (level == null) {
      throw new SchemaRegistryException(
          "registry at "
              + baseUrl
              + " answered GET "
              + path
              + " without a"
              + " compatibility level: "
              + answer,
          200,
          SchemaRegistryException.NONE);
    }
    return level.asText();
  }

  private Schema parseSchema(JsonNode answer, String path, String what) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw new SchemaRegistryException(
          what + " is a " + type + " schema, not Avro (registry at " + baseUrl + ")",
          200,
          SchemaRegistryException.NONE);
    }
    String text = requireField(answer, "schema", path).asText();
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          what + " from registry at " + baseUrl + " is not a valid Avro schema: " + e.getMessage(),
          e);
    }
  }

  private JsonNode requireField(JsonNode answer, String field, String path) {
    JsonNode v = answer.get(field);
    if (v == null || v.isNull()) {
      throw new SchemaRegistryException(
          "registry at "
              + baseUrl
              + " answered "
              + path
              + " without '"
              + field
              + "': "
              + abbreviate(answer.toString()),
          200,
          SchemaRegistryException.NONE);
    }
    return v;
  }

  private static JsonNode parseJson(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "(no body)";
    }
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  @Override
  public String toString() {
    return "SchemaRegistryClient[" + baseUrl + "]";
  }

  /**
   * Builds a {@link SchemaRegistryClient}. Defaults: connect 5 s, request 10 s, 3 retries from 100
   * ms to 2 s.
   */
  public static final class Builder {
    private final String baseUrl;
    private String userInfo;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxRetries = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private HttpClient httpClient;

    private Builder(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** Basic-auth credentials as {@code user:password}. */
    public Builder basicAuth(String userInfo) {
      this.userInfo = userInfo;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** How long one HTTP request may take, answer included. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** How many times a call is retried after an I/O failure or a 5xx (0 = try once). */
    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, got " + n);
      }
      this.maxRetries = n;
      return this;
    }

    /** The wait before the first retry; it doubles on each further retry, up to {@code max}. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial);
      this.maxBackoff = Objects.requireNonNull(max);
      return this;
    }

    /**
     * Use this HTTP client (e.g. one with a custom {@code SSLContext}); the connect timeout is then
     * its own.
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    public SchemaRegistryClient build() {
      return new SchemaRegistryClient(this);
    }
  }
}
