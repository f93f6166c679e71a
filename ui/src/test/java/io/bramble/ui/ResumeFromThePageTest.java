package io.bramble.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * POST /api/resume: off unless the UI has a {@link Resumer}; refused without the page's token or
 * from another site; the coordinator's refusal passed on. (The browser test resumes a real job
 * through a cluster; here the resumer only records what it was asked.)
 */
class ResumeFromThePageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY =
      "{\"app_id\":\"child-1\",\"inputs\":{\"verdict\":\"rejected\",\"amount\":3}}";

  private final List<Map<String, Object>> asked = new CopyOnWriteArrayList<>();

  private final Resumer resumer =
      (appId, inputs) -> {
        if (inputs.containsKey("verdit")) {
          throw new IllegalStateException("input 'verdit' is taken by no action from 'approve' on");
        }
        asked.add(Map.of("app", appId, "inputs", inputs));
        return new Resumer.Resumed(appId, "job-1", 1, "approve");
      };

  @Test
  void withoutAResumerThePageOnlyShowsHowToResume() throws Exception {
    try (UiServer ui = UiServer.start(new AppIndexStore(), 0)) {
      assertThat(info(ui).get("resume").asBoolean()).isFalse();
      assertThat(info(ui).has("token")).isFalse();
      HttpResponse<String> r = post(ui, BODY, Map.of("X-Bramble-Token", "anything"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("resuming from the page is off", "--allow-resume");
    }
  }

  @Test
  void aResumeWithThePagesTokenIsSentAndTheAnswerReturned() throws Exception {
    try (UiServer ui = UiServer.start(new AppIndexStore(), UiServer.DEFAULT_HOST, 0, resumer)) {
      String token = info(ui).get("token").asText();
      HttpResponse<String> r = post(ui, BODY, Map.of("X-Bramble-Token", token));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(r.body());
      assertThat(answer.get("root_app_id").asText()).isEqualTo("job-1");
      assertThat(answer.get("action").asText()).isEqualTo("approve");
      assertThat(asked)
          .containsExactly(
              Map.of("app", "child-1", "inputs", Map.of("verdict", "rejected", "amount", 3L)));

      HttpResponse<String> refused =
          post(
              ui,
              "{\"app_id\":\"child-1\",\"inputs\":{\"verdit\":\"rejected\"}}",
              Map.of("X-Bramble-Token", token));
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.body()).contains("resume refused: input 'verdit'");
    }
  }

  @Test
  void aRequestWithoutTheTokenOrFromAnotherSiteIsRefused() throws Exception {
    try (UiServer ui = UiServer.start(new AppIndexStore(), UiServer.DEFAULT_HOST, 0, resumer)) {
      String token = info(ui).get("token").asText();

      HttpResponse<String> noToken = post(ui, BODY, Map.of());
      assertThat(noToken.statusCode()).isEqualTo(403);
      assertThat(noToken.body()).contains("X-Bramble-Token");
      assertThat(post(ui, BODY, Map.of("X-Bramble-Token", token + "x")).statusCode())
          .isEqualTo(403);

      HttpResponse<String> otherOrigin =
          post(ui, BODY, Map.of("X-Bramble-Token", token, "Origin", "https://evil.example"));
      assertThat(otherOrigin.statusCode()).isEqualTo(403);
      assertThat(otherOrigin.body()).contains("origin https://evil.example");

      HttpResponse<String> crossSite =
          post(ui, BODY, Map.of("X-Bramble-Token", token, "Sec-Fetch-Site", "cross-site"));
      assertThat(crossSite.statusCode()).isEqualTo(403);

      HttpResponse<String> form =
          send(
              ui,
              HttpRequest.newBuilder(uri(ui, "/api/resume"))
                  .header("X-Bramble-Token", token)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("app_id=child-1")));
      assertThat(form.statusCode()).isEqualTo(415);

      HttpResponse<String> sameOrigin =
          post(
              ui,
              BODY,
              Map.of(
                  "X-Bramble-Token",
                  token,
                  "Origin",
                  "http://localhost:" + ui.port(),
                  "Sec-Fetch-Site",
                  "same-origin"));
      assertThat(sameOrigin.statusCode()).as(sameOrigin.body()).isEqualTo(200);
      assertThat(asked).hasSize(1);
    }
  }

  @Test
  void aUiOnThisMachineAnswersNoOtherNameAndNoPageMayBeFramed() throws Exception {
    try (UiServer ui = UiServer.start(new AppIndexStore(), UiServer.DEFAULT_HOST, 0, resumer)) {
      // a name pointed at 127.0.0.1 by another site (DNS rebinding) reads nothing, no token
      assertThat(rawGet(ui, "/api/info", "evil.example:" + ui.port()))
          .startsWith("HTTP/1.1 403")
          .doesNotContain("token");
      assertThat(rawGet(ui, "/api/info", "localhost:" + ui.port())).startsWith("HTTP/1.1 200");
      assertThat(rawGet(ui, "/api/info", "127.0.0.1:" + ui.port())).startsWith("HTTP/1.1 200");

      HttpResponse<String> page = send(ui, HttpRequest.newBuilder(uri(ui, "/")));
      assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValue("frame-ancestors 'none'");
    }
  }

  /** A GET naming {@code host} (which Java's HTTP client will not set), the whole answer. */
  private static String rawGet(UiServer ui, String path, String host) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", ui.port())) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A store with nothing in it: the endpoint does not read the index. */
  private static final class AppIndexStore implements UiStore {
    private final AppIndex index = new AppIndex();

    @Override
    public AppIndex index() {
      return index;
    }

    @Override
    public String description() {
      return "nothing";
    }
  }

  private static JsonNode info(UiServer ui) throws Exception {
    return JSON.readTree(send(ui, HttpRequest.newBuilder(uri(ui, "/api/info"))).body());
  }

  private static HttpResponse<String> post(UiServer ui, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(ui, "/api/resume"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return send(ui, b);
  }

  private static URI uri(UiServer ui, String path) {
    return URI.create("http://localhost:" + ui.port() + path);
  }

  private static HttpResponse<String> send(UiServer ui, HttpRequest.Builder request)
      throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
