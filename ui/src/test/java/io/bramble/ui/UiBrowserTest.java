package io.bramble.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.devcluster.DevCluster;
import io.bramble.examples.bench.FanOutBench;
import io.bramble.examples.embeddings.Embeddings;
import io.bramble.examples.poems.Poems;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (headless Chromium from the system, driven by Selenium; nothing is
 * downloaded): a poems job runs on an in-JVM cluster, the UI follows its events topic, and the test
 * walks list → parent → a child expanded inline → the child's page → back to the parent; other jobs
 * show a fan-out while it runs, a job failed before its first step, and a halted job answered from
 * its page. Screenshots are written to target/ (ui-app-page.png, ui-fan-out-running.png,
 * ui-resume.png); set {@code -Dbramble.ui.screenshots=DIR} to also copy them there (the README's
 * come from {@code docs}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String JOB = "ui-poems-1";
  private static final String DOCUMENT_JOB = "ui-document-1";

  /** Larger than the value store's threshold: the job's records carry it by reference. */
  private static final String DOCUMENT = "The sea, the sea. ".repeat(2_000) + "The end.";

  @TempDir static Path dir;
  private DevCluster cluster;
  private UiServer ui;
  private WebDriver browser;

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(
        new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "no Chromium here: install it with `apt-get install -y chromium chromium-driver` (CI does)");
    System.setProperty(
        "SE_MANAGER_PATH", "/bin/false"); // never let Selenium Manager fetch anything
    cluster = DevCluster.start(dir.resolve("cluster"), GraphRegistry.load(), 2, 2);
    try (JobClient client = cluster.client()) {
      client.submit(
          JobClient.request(
              JOB, "poems", State.empty(), Poems.inputs(List.of("sonnet", "haiku"), "the sea", 2)));
      JobResult result = client.await(JOB, Duration.ofMinutes(2), null);
      assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
      client.submit(
          JobClient.request(
              DOCUMENT_JOB,
              FanOutBench.NAME,
              State.of("children", 2L, "document", DOCUMENT),
              Map.of()));
      assertThat(client.await(DOCUMENT_JOB, Duration.ofMinutes(2), null).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
    KafkaEventStore store = new KafkaEventStore(cluster.cluster(), cluster.schemas());
    assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).as("read the events topic").isTrue();
    ui =
        UiServer.start(
            store,
            UiServer.DEFAULT_HOST,
            0,
            new ClusterResumer(cluster.cluster(), cluster.schemas()));
    browser = chromium(dir.resolve("chromium-profile"));
  }

  static WebDriver chromium(Path profile) throws Exception {
    Files.createDirectories(profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1440,1100",
        "--user-data-dir=" + profile.toAbsolutePath());
    return new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (ui != null) {
      ui.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStoredValueShowsItsBeginningAndItsButtonLoadsItWhole() {
    browser.get(ui.url() + "app?id=" + DOCUMENT_JOB);
    until(b -> b.findElement(By.id("app-id")).getText().equals(DOCUMENT_JOB));
    WebElement value =
        until(
            b ->
                b.findElement(
                    By.cssSelector(
                        "details.step[data-action='fan_out'] details.full-state"
                            + " tr[data-key='document'] .stored-value")));
    String shown = value.findElement(By.tagName("pre")).getAttribute("textContent");
    assertThat(shown)
        .contains("\"bytes\"", "\"preview\": \"The sea, the sea.")
        .doesNotContain("The end.");

    WebElement load = value.findElement(By.cssSelector("button.load-value"));
    assertThat(load.getAttribute("textContent")).startsWith("Load all ");
    ((JavascriptExecutor) browser).executeScript("arguments[0].click()", load);

    until(b -> value.findElement(By.tagName("pre")).getAttribute("textContent").equals(DOCUMENT));
    assertThat(value.findElements(By.cssSelector("button.load-value"))).isEmpty();
  }

  @Test
  void listParentChildInlineChildPageAndBack() throws Exception {
    // The list: the job, completed, with its two children counted.
    browser.get(ui.url());
    WebElement row =
        until(b -> b.findElement(By.cssSelector("tr.app-row[data-app-id='" + JOB + "']")));
    assertThat(text(By.cssSelector("tr.app-row[data-app-id='" + JOB + "']")))
        .contains("poems", "completed", "2 (2 completed)");

    // Nested children under the parent in the list.
    row.findElement(By.cssSelector("button.toggle-children")).click();
    until(b -> b.findElements(By.cssSelector("tr.app-row.depth-1")).size() == 2);

    // The parent's page: steps, graph with the last action highlighted, join progress, state
    // values.
    click(By.cssSelector("tr.app-row[data-app-id='" + JOB + "'] a.app-link"));
    until(b -> b.findElement(By.id("app-id")).getText().equals(JOB));
    until(b -> b.findElements(By.cssSelector("#timeline details.step")).size() == 3);
    assertThat(
            browser.findElements(By.cssSelector("#timeline details.step")).stream()
                .map(e -> e.getAttribute("data-action"))
                .toList())
        .containsExactly("user_input", "generate_all_poems", "final_results");
    assertThat(text(By.id("app-status"))).isEqualTo("completed");
    assertThat(
            browser.findElement(By.cssSelector("#graph .node.current")).getAttribute("data-action"))
        .isEqualTo("final_results");
    assertThat(
            browser
                .findElements(By.cssSelector("#graph .node.parallel"))
                .get(0)
                .getAttribute("data-action"))
        .isEqualTo("generate_all_poems");
    assertThat(text(By.cssSelector("#progress .join-count"))).isEqualTo("2 / 2");
    click(By.cssSelector("details.step[data-action='user_input'] > summary"));
    until(
        b ->
            b.findElement(
                    By.cssSelector(
                        "details.step[data-action='user_input'] tr.diff-added[data-key='poem_subject']"))
                .getText()
                .contains("the sea"));
    assertThat(
            text(
                By.cssSelector(
                    "details.step[data-action='final_results'] tr[data-key='final_results']")))
        .contains("sonnet", "haiku");

    // A child expanded inline: its own steps appear under the parallel step.
    until(
        b ->
            b.findElements(By.cssSelector("details.step[data-action='generate_all_poems'] .child"))
                    .size()
                == 2);
    click(
        By.cssSelector(
            "details.step[data-action='generate_all_poems'] .child:first-child button.expand-child"));
    until(b -> b.findElements(By.cssSelector(".child:first-child .child-step")).size() >= 2);
    List<String> childSteps =
        browser.findElements(By.cssSelector(".child:first-child .child-step")).stream()
            .map(e -> e.getAttribute("data-action"))
            .toList();
    assertThat(childSteps).startsWith("write").endsWith("final_draft");
    // Children go by the labels their graph gives them, the id a hover (and a click) away.
    assertThat(
            browser
                .findElements(
                    By.cssSelector("details.step[data-action='generate_all_poems'] a.child-link"))
                .stream()
                .map(WebElement::getText)
                .toList())
        .containsExactlyInAnyOrder("sonnet", "haiku");
    click(
        By.cssSelector(
            "details.step[data-action='user_input'] > summary")); // closed again, for the picture
    // Model calls: each step's, and summed over the job's tree on its page.
    assertThat(text(By.id("model-calls"))).matches("\\d+ calls · \\d+ tokens in, \\d+ out · .*");
    ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    screenshot("ui-app-page.png");

    // The child's own page, linking back to its parent.
    String childId =
        browser.findElement(By.cssSelector(".child:first-child")).getAttribute("data-app-id");
    click(By.cssSelector(".child:first-child a.child-link"));
    until(b -> b.findElement(By.id("app-id")).getText().equals(childId));
    assertThat(text(By.id("app-label"))).isIn("sonnet", "haiku");
    until(
        b -> b.findElements(By.cssSelector("#timeline details.step")).size() == childSteps.size());
    assertThat(text(By.id("parent-link"))).isEqualTo(JOB);
    assertThat(text(By.cssSelector(".app-header .parent"))).contains("generate_all_poems");
    click(By.cssSelector("details.step[data-action='write'] > summary"));
    until(
        b ->
            b.findElement(
                    By.cssSelector(
                        "details.step[data-action='write'] table.diff tr[data-key='draft_history']"))
                .getText()
                .contains("the sea"));
    assertThat(text(By.cssSelector("details.step[data-action='write'] .step-model-calls")))
        .as("the step's model call, words counted as tokens by the offline model")
        .matches("1 call · \\d+ tokens in, \\d+ out · .*");
    assertThat(text(By.cssSelector("details.step[data-action='write'] table.model-calls")))
        .contains("offline");

    click(By.id("parent-link"));
    until(b -> b.findElement(By.id("app-id")).getText().equals(JOB));
    assertThat(browser.getCurrentUrl()).endsWith("/app?id=" + JOB);

    // Search finds a child by part of its id, with a link to its parent.
    browser.get(ui.url());
    until(b -> b.findElement(By.id("search"))).sendKeys(childId.substring(0, 10));
    until(
        b ->
            b.findElements(By.cssSelector("tr.app-row")).size() == 1
                && b.findElement(By.cssSelector("tr.app-row"))
                    .getAttribute("data-app-id")
                    .equals(childId));
    assertThat(text(By.cssSelector("tr.app-row"))).contains("child of");
  }

  @Test
  void aHaltedFanOutShowsItsParallelStepAndAWaitingChildWhereItWaits() throws Exception {
    String job = "ui-halted-1";
    submitHaltedBeforeApprove(job);

    browser.get(ui.url() + "app?id=" + job);
    until(
        b ->
            !b.findElements(By.cssSelector("#timeline details.step[data-action='review_all']"))
                .isEmpty());
    assertThat(text(By.id("current-action"))).isEqualTo("review_all");
    assertThat(
            browser.findElement(By.cssSelector("#graph .node.current")).getAttribute("data-action"))
        .isEqualTo("review_all");
    until(
        b ->
            b.findElement(By.id("waiting")).getText().contains("laptop:900")
                && b.findElement(By.id("waiting")).getText().contains("phone:1100"));
    assertThat(text(By.id("waiting"))).contains("(before approve");

    click(By.xpath("//p[@id='waiting']//a[text()='phone:1100']"));
    until(b -> b.findElements(By.id("app-label")).size() == 1);
    assertThat(text(By.id("app-label"))).isEqualTo("phone:1100");
    assertThat(
            browser.findElement(By.cssSelector("#graph .node.current")).getAttribute("data-action"))
        .as("a waiting child's graph shows where it waits")
        .isEqualTo("approve");
  }

  @Test
  void aHaltedJobIsAnsweredFromThePage() throws Exception {
    String job = "ui-answer-1";
    submitHaltedBeforeApprove(job);
    browser.get(ui.url() + "app?id=" + job);
    // the children's halts reach the page by their own events: wait for both
    until(
        b ->
            b.findElement(By.id("waiting")).getText().split("takes verdict \\(required\\)").length
                == 3);

    // The phone waits for a person: its page says what approve takes, and asks for it.
    openWaitingChild("phone:1100");
    assertThat(text(By.id("resume-panel"))).contains("Waits before approve", "verdict (required)");
    browser.findElement(By.cssSelector("#resume-form input[name='verdict']")).sendKeys("rejected");
    ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    screenshot("ui-resume.png");
    click(By.id("resume-submit"));
    assertThat(answer()).startsWith("Resumed at step");
    assertThat(answer()).contains("(approve)");

    // The laptop too; then the job ends with the person's answers.
    browser.get(ui.url() + "app?id=" + job);
    openWaitingChild("laptop:900");
    browser.findElement(By.cssSelector("#resume-form input[name='verdict']")).sendKeys("approved");
    click(By.id("resume-submit"));
    assertThat(answer()).startsWith("Resumed at step");
    browser.get(ui.url() + "app?id=" + job);
    until(b -> b.findElement(By.id("app-status")).getText().equals("completed"));
    assertThat(
            text(By.cssSelector("details.step[data-action='review_all'] tr[data-key='decisions']")))
        .contains("\"phone\": \"rejected\"", "\"laptop\": \"approved\"");
    assertThat(browser.findElement(By.id("resume-panel")).isDisplayed()).isFalse();
  }

  @Test
  void aFanOutWhileItRunsShowsItsParallelStepItsChildrenAndTheirTime() throws Exception {
    String job = "ui-running-1";
    long embedMs = 25_000; // the page is checked while the children run: a wide margin
    try (JobClient client = cluster.client()) {
      client.submit(
          JobClient.request(
              job,
              "embeddings",
              Embeddings.initialState(List.of("the sea at dawn", "a quiet harbour"), embedMs),
              Map.of()));

      browser.get(ui.url() + "app?id=" + job);
      until(
          b ->
              b.findElements(By.cssSelector("details.step[data-action='index_all'] .child")).size()
                  == 2);
      assertThat(text(By.id("app-status"))).isEqualTo("running");
      assertThat(text(By.id("current-action"))).isEqualTo("index_all");
      assertThat(
              browser
                  .findElement(By.cssSelector("#graph .node.current"))
                  .getAttribute("data-action"))
          .isEqualTo("index_all");
      assertThat(
              browser
                  .findElement(By.cssSelector("details.step[data-action='index_all']"))
                  .getAttribute("class"))
          .contains("step-running");
      until(
          b ->
              b
                  .findElements(
                      By.cssSelector("details.step[data-action='index_all'] a.child-link"))
                  .stream()
                  .map(WebElement::getText)
                  .toList()
                  .containsAll(List.of("the sea at dawn", "a quiet harbour")));
      until(
          b ->
              b.findElements(
                          By.cssSelector(
                              "details.step[data-action='index_all'] .child .status-running"))
                      .size()
                  == 2);
      ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
      screenshot("ui-fan-out-running.png");

      assertThat(client.await(job, Duration.ofMinutes(2), null).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
    // Once done, the parallel step's time and the job's cover the children's.
    browser.get(ui.url() + "app?id=" + job);
    until(b -> b.findElement(By.id("app-status")).getText().equals("completed"));
    assertThat(seconds(text(By.id("app-duration")))).isGreaterThanOrEqualTo(embedMs / 1000.0);
    assertThat(
            seconds(
                text(
                    By.cssSelector(
                        "details.step[data-action='index_all'] > summary > .step-duration"))))
        .isGreaterThanOrEqualTo(embedMs / 1000.0);
  }

  /** An approvals job halted before approve: its two pricey requests wait for a person. */
  private void submitHaltedBeforeApprove(String job) throws Exception {
    try (JobClient client = cluster.client()) {
      JobRequest request = JobClient.job(job, "approvals").haltBefore("approve").build();
      client.submit(request);
      assertThat(client.await(request, Duration.ofMinutes(1), null).status())
          .isEqualTo(JobStatus.HALTED);
    }
  }

  /** From the job's page, the page of its waiting child {@code label}, with its resume form. */
  private void openWaitingChild(String label) {
    click(By.xpath("//p[@id='waiting']//a[text()='" + label + "']"));
    until(b -> b.findElement(By.id("resume-form")).isDisplayed());
  }

  /** The page's answer to a resume, once it has one. */
  private String answer() {
    return until(
        b -> {
          String answer = b.findElement(By.id("resume-answer")).getText();
          return answer.isEmpty() || answer.equals("Sending…") ? null : answer;
        });
  }

  /** What the page shows as a duration ("17 ms", "12.3 s", "1 min 4 s"), in seconds. */
  private static double seconds(String duration) {
    Matcher m = Pattern.compile("(?:(\\d+) min )?([\\d.]+) (ms|s)").matcher(duration);
    assertThat(m.matches()).as("a duration: %s", duration).isTrue();
    double minutes = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    double value = Double.parseDouble(m.group(2));
    return minutes * 60 + (m.group(3).equals("ms") ? value / 1000 : value);
  }

  @Test
  void aJobThatFailsBeforeItsFirstStepSaysWhyOnItsPage() throws Exception {
    String job = "ui-failed-early-1";
    try (JobClient client = cluster.client()) {
      client.submit(JobClient.request(job, "collatz", State.of("from", "one", "to", 5L), Map.of()));
      JobResult result = client.await(job, Duration.ofMinutes(1), null);
      assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    }

    browser.get(ui.url() + "app?id=" + job);
    until(b -> !b.findElements(By.id("job-error")).isEmpty());
    assertThat(text(By.id("app-status"))).isEqualTo("failed");
    assertThat(text(By.id("job-error"))).contains("Failed:", "state key 'from' holds String");
  }

  @Test
  void aJobWhoseTasksWaitForAPoolWithoutWorkersSaysWhichPoolAndHowManyTasksWait() throws Exception {
    // The coordinator's pool monitor tells a job this way (its own test is in dev-cluster).
    String job = "ui-waiting-1";
    String events = cluster.cluster().topics().events();
    AvroSerde<TrackingEvent> serde = BrambleSerdes.forType(TrackingEvent.class, cluster.schemas());
    Map<String, Object> props = cluster.cluster().clientProps();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (TrackingEvent e :
          List.of(
              TrackingEvents.jobAccepted(job, "embeddings", "coordinator", 1_000),
              TrackingEvents.poolWaiting(job, "gpu", 3, "coordinator", 2_000))) {
        producer.send(new ProducerRecord<>(events, job, serde.serialize(events, e))).get();
      }
    }

    browser.get(ui.url() + "app?id=" + job);
    assertThat(text(By.id("waiting-for-pools")))
        .contains("Waiting for a worker of pool gpu (3 tasks waiting in it)");
  }

  @Test
  void aJobPageShowsTheLiveOutputOfItsRunningChildren() throws Exception {
    String job = "ui-live-1";
    String events = cluster.cluster().topics().events();
    String streams = cluster.cluster().topics().streams();
    AvroSerde<TrackingEvent> serde = BrambleSerdes.forType(TrackingEvent.class, cluster.schemas());
    AvroSerde<StreamChunk> chunks = BrambleSerdes.forType(StreamChunk.class, cluster.schemas());
    Map<String, Object> props = cluster.cluster().clientProps();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      TrackingEvent accepted = TrackingEvents.jobAccepted(job, "poems", "coordinator", 1_000);
      producer.send(new ProducerRecord<>(events, job, serde.serialize(events, accepted))).get();
      for (String text : List.of("When I consider ", "the sea and its ways,")) {
        StreamChunk c =
            StreamChunk.newBuilder()
                .setRootAppId(job)
                .setAppId("ui-live-child")
                .setParentAppId(job)
                .setLabel("sonnet")
                .setAction("write")
                .setSequenceId(0)
                .setRunId("run-1")
                .setIndex(0)
                .setText(text)
                .setWorkerId("worker-1")
                .setEmittedAtMs(2_000)
                .build();
        producer.send(new ProducerRecord<>(streams, job, chunks.serialize(streams, c))).get();
      }
    }

    browser.get(ui.url() + "app?id=" + job);
    until(b -> b.findElement(By.id("live-output")).getText().contains("its ways,"));
    assertThat(text(By.id("live-output")))
        .contains("Live output", "sonnet", "write #0", "When I consider the sea and its ways,");
  }

  private void screenshot(String name) throws Exception {
    Path shot = Path.of("target", name);
    Files.createDirectories(shot.getParent());
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    String copyTo = System.getProperty("bramble.ui.screenshots");
    if (copyTo != null && !copyTo.isBlank()) {
      Path target = Path.of(copyTo).toAbsolutePath().resolve(name);
      Files.createDirectories(target.getParent());
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .until(condition::apply);
  }

  private String text(By by) {
    return until(b -> b.findElement(by).getText());
  }

  private void click(By by) {
    until(
        b -> {
          b.findElement(by).click();
          return true;
        });
  }
}
