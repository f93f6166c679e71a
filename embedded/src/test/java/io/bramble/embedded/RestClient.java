package io.bramble.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

/** Raw Confluent REST calls for the tests: status and JSON body, no interpretation. */
final class RestClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Response(int status, JsonNode body, String contentType) {
    int errorCode() {
      return body.path("error_code").asInt();
    }

    String message() {
      return body.path("message").asText();
    }
  }

  private final String baseUrl;
  private final String authorization;

  RestClient(String baseUrl) {
    this(baseUrl, null);
  }

  RestClient(String baseUrl, String userInfo) {
    this.baseUrl = baseUrl;
    this.authorization =
        userInfo == null
            ? null
            : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes());
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, String json) {
    return send("POST", path, json);
  }

  Response put(String path, String json) {
    return send("PUT", path, json);
  }

  /** {"schema": "<schema>"} */
  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  Response register(String subject, String schema) {
    return post("/subjects/" + subject + "/versions", schemaBody(schema));
  }

  Response send(String method, String path, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (json != null) {
      request
          .header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Response(
          response.statusCode(),
          body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + baseUrl + path + " failed", e);
    }
  }
}
