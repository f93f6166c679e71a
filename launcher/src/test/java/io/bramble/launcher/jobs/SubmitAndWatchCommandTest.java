package io.bramble.launcher.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.Console;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code bramble submit} and {@code bramble watch} against a running dev cluster. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmitAndWatchCommandTest {
  @TempDir static Path dir;
  private DevCluster cluster;

  @BeforeAll
  void start() {
    cluster = DevCluster.start(dir, GraphRegistry.load(), 2, 4);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void submitWaitPrintsTheFinalStateAndWatchFollowsTheJob() {
    Console submit = new Console();
    String[] where = where();
    int code =
        submit.run(
            concat(
                new String[] {
                  "submit",
                  "collatz",
                  "--state",
                  "{\"from\": 5, \"to\": 7}",
                  "--app-id",
                  "cli-1",
                  "--wait"
                },
                where));
    assertThat(code).as(submit.err()).isZero();
    assertThat(submit.out()).contains("\"5\" : 6", "\"6\" : 9", "\"7\" : 17");
    assertThat(submit.err()).contains("3/3 children");

    Console watch = new Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-1"}, where))).isZero();
    assertThat(watch.out()).contains("FANOUT cli-1", "JOB_DONE cli-1", "\"longest\"");
  }

  @Test
  void submitTakesTheGraphsOwnFlagsAsRunDoesAndNamesThemWhenOneIsMisspelt() {
    String[] where = where();
    Console submit = new Console();
    int code =
        submit.run(
            concat(
                new String[] {
                  "submit",
                  "approvals",
                  "--requests",
                  "lamp:40,car:9000",
                  "--limit=100",
                  "--verdict",
                  "rejected",
                  "--wait"
                },
                where));
    assertThat(code).as(submit.err()).isZero();
    assertThat(submit.out())
        .contains(
            "\"lamp\" : \"auto-approved\"", "\"car\" : \"rejected\"", "\"approved_total\" : 40");

    Console typo = new Console();
    assertThat(typo.run(concat(new String[] {"submit", "approvals", "--limt", "5"}, where)))
        .isEqualTo(2);
    assertThat(typo.err())
        .contains(
            "unknown option '--limt' for graph 'approvals' (its own flags: --requests, --limit,"
                + " --verdict)");
  }

  @Test
  void aSubmitPointedAtNoBrokerOrAtAnotherPrefixSaysWhichAndHowToSetIt() throws Exception {
    int nothingThere;
    try (ServerSocket s = new ServerSocket(0)) {
      nothingThere = s.getLocalPort();
    }
    Console nowhere = new Console();
    assertThat(
            nowhere.run(
                new String[] {
                  "submit",
                  "collatz",
                  "--bootstrap-servers",
                  "localhost:" + nothingThere,
                  "--registry-url",
                  cluster.registryUrl()
                }))
        .isEqualTo(1);
    assertThat(nowhere.err())
        .contains(
            "cannot reach Kafka at localhost:"
                + nothingThere
                + " within 8 s; point at the cluster with --bootstrap-servers or"
                + " BRAMBLE_BOOTSTRAP_SERVERS");

    Console elsewhere = new Console();
    assertThat(
            elsewhere.run(
                new String[] {
                  "resume",
                  "some-app",
                  "--bootstrap-servers",
                  cluster.bootstrapServers(),
                  "--registry-url",
                  cluster.registryUrl(),
                  "--topic-prefix",
                  "staging."
                }))
        .isEqualTo(1);
    assertThat(elsewhere.err())
        .contains(
            "has no topic staging.jobs: no Bramble coordinator with topic prefix 'staging.' has"
                + " started there");
  }

  @Test
  void submitHaltBeforeWaitsForAPersonAndResumeContinuesEachWaitingChild() {
    String[] where = where();
    Console submit = new Console();
    int code =
        submit.run(
            concat(
                new String[] {
                  "submit",
                  "approvals",
                  "--halt-before",
                  "approve",
                  "--app-id",
                  "cli-hitl",
                  "--wait"
                },
                where));
    assertThat(code).as(submit.err()).isZero();
    assertThat(submit.err())
        .contains("job cli-hitl halted before review_all: 2 app(s) wait for input: ")
        .contains("(before approve)");
    Matcher ids = Pattern.compile("([0-9a-f-]{36}) \\(before approve\\)").matcher(submit.err());
    List<String> waiting = new ArrayList<>();
    while (ids.find()) {
      waiting.add(ids.group(1));
    }
    assertThat(waiting).hasSize(2);
    assertThat(submit.err()).contains("continue with: bramble resume " + waiting.get(0));
    // the waiting children by their labels (the request each reviews), then their ids
    assertThat(submit.err())
        .containsPattern("laptop:900 [0-9a-f-]{36} \\(before approve\\)")
        .containsPattern("phone:1100 [0-9a-f-]{36} \\(before approve\\)");

    Console watch = new Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-hitl"}, where))).isZero();
    assertThat(watch.out())
        .contains("APP_ENDED " + waiting.get(0))
        .contains("halted before approve")
        .contains("JOB_DONE cli-hitl: halted before review_all, waiting for input: ")
        .containsPattern("child (laptop:900|phone:1100) of cli-hitl")
        .containsPattern("waiting for input: (laptop:900|phone:1100) [0-9a-f-]{36}");

    Console refused = new Console();
    assertThat(refused.run(concat(new String[] {"resume", "cli-hitl"}, where))).isEqualTo(1);
    assertThat(refused.err())
        .contains("bramble: resume refused: app cli-hitl is not halted itself: it waits for");

    Console first = new Console();
    assertThat(
            first.run(
                concat(
                    new String[] {
                      "resume", waiting.get(0), "--inputs", "{\"verdict\":\"rejected\"}", "--wait"
                    },
                    where)))
        .as(first.err())
        .isZero();
    assertThat(first.err())
        .contains("resumed app " + waiting.get(0) + " of job cli-hitl at step 1 (approve)")
        .containsPattern("1 app\\(s\\) wait for input: [a-z]+:[0-9]+ " + waiting.get(1));

    Console typo = new Console();
    assertThat(
            typo.run(
                concat(
                    new String[] {
                      "resume", waiting.get(1), "--inputs", "{\"verdit\":\"approved\"}", "--wait"
                    },
                    where)))
        .isEqualTo(1);
    assertThat(typo.err())
        .contains(
            "bramble: resume refused: resume of app "
                + waiting.get(1)
                + ": input 'verdit' is taken by no action from 'approve' on (they take:"
                + " [verdict]");

    Console second = new Console();
    assertThat(
            second.run(
                concat(
                    new String[] {
                      "resume", waiting.get(1), "--inputs", "{\"verdict\":\"approved\"}", "--wait"
                    },
                    where)))
        .as(second.err())
        .isZero();
    assertThat(second.out()).contains("\"decisions\"", "\"rejected\"", "\"summary\"");
  }

  @Test
  void cancelStopsAHaltedJobOnceTwiceHarmlesslyAndRefusesAnEndedOneNamingItsStatus() {
    String[] where = where();
    Console submit = new Console();
    assertThat(
            submit.run(
                concat(
                    new String[] {
                      "submit",
                      "approvals",
                      "--halt-before",
                      "approve",
                      "--app-id",
                      "cli-cancel",
                      "--wait"
                    },
                    where)))
        .as(submit.err())
        .isZero();

    for (int i = 0; i < 2; i++) {
      Console cancel = new Console();
      assertThat(cancel.run(concat(new String[] {"cancel", "cli-cancel"}, where)))
          .as(cancel.err())
          .isZero();
      assertThat(cancel.out()).contains("job cli-cancel cancelled (approvals)");
    }
    Console watch = new Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-cancel"}, where))).isZero();
    assertThat(watch.out())
        .contains("JOB_DONE cli-cancel: cancelled")
        .as("each app with the version of its graph")
        .contains("APP_CREATED cli-cancel: graph approvals version 1");

    Console done = new Console();
    assertThat(
            done.run(
                concat(
                    new String[] {
                      "submit",
                      "approvals",
                      "--verdict",
                      "approved",
                      "--app-id",
                      "cli-done",
                      "--wait"
                    },
                    where)))
        .as(done.err())
        .isZero();
    Console refused = new Console();
    assertThat(refused.run(concat(new String[] {"cancel", "cli-done"}, where))).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "bramble: cancel refused: job cli-done is completed: only a running or halted job can"
                + " be cancelled");
  }

  @Test
  void migrateIsAnsweredAndShownByWatchAndAnEndedJobIsRefusedNamingItsStatus() {
    String[] where = where();
    Console submit = new Console();
    assertThat(
            submit.run(
                concat(
                    new String[] {
                      "submit",
                      "approvals",
                      "--halt-before",
                      "approve",
                      "--app-id",
                      "cli-migrate",
                      "--wait"
                    },
                    where)))
        .as(submit.err())
        .isZero();

    Console migrate = new Console();
    assertThat(migrate.run(concat(new String[] {"migrate", "cli-migrate", "--to", "1"}, where)))
        .as(migrate.err())
        .isZero();
    assertThat(migrate.out())
        .contains("job cli-migrate moves to version 1 at its apps' next step boundaries");
    Console cancel = new Console();
    assertThat(cancel.run(concat(new String[] {"cancel", "cli-migrate"}, where))).isZero();
    Console watch = new Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-migrate"}, where))).isZero();
    assertThat(watch.out()).contains("MIGRATING cli-migrate: migration to version 1 accepted");

    Console refused = new Console();
    assertThat(refused.run(concat(new String[] {"migrate", "cli-migrate", "--to", "2"}, where)))
        .isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "bramble: migration refused: job cli-migrate is cancelled: only a running or halted"
                + " job can be migrated");
    Console noVersion = new Console();
    assertThat(noVersion.run(concat(new String[] {"migrate", "cli-migrate"}, where))).isEqualTo(2);
    assertThat(noVersion.err()).contains("Missing required option: '--to=VERSION'");
  }

  @Test
  void submitWaitStreamPrintsEachChildsDraftsAsTheyComeThenWatchStreamJsonReplaysThem()
      throws Exception {
    String[] where = where();
    Console submit = new Console();
    int code =
        submit.run(
            concat(
                new String[] {
                  "submit",
                  "poems",
                  "--inputs",
                  "{\"poem_types\": [\"sonnet\", \"haiku\"], \"poem_subject\": \"the sea\","
                      + " \"max_drafts\": 2}",
                  "--app-id",
                  "cli-stream",
                  "--wait",
                  "--stream"
                },
                where));
    assertThat(code).as(submit.err()).isZero();
    List<String> lines = submit.out().lines().toList();
    int state = lines.indexOf("{");
    assertThat(state).as(submit.out()).isPositive();
    assertThat(lines.subList(0, state))
        .as("every line before the final state is a labelled chunk")
        .allSatisfy(l -> assertThat(l).matches("(sonnet|haiku) \\| .+"))
        .anySatisfy(l -> assertThat(l).startsWith("sonnet | "))
        .anySatisfy(l -> assertThat(l).startsWith("haiku | "));
    assertThat(String.join("\n", lines.subList(state, lines.size()))).contains("\"final_results\"");

    Console watch = new Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-stream", "--stream", "--json"}, where)))
        .as(watch.err())
        .isZero();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> objects = new ArrayList<>();
    for (String line : watch.out().lines().toList()) {
      objects.add(json.readTree(line));
    }
    JsonNode end = objects.remove(objects.size() - 1);
    assertThat(objects)
        .allSatisfy(
            o -> {
              assertThat(o.fieldNames())
                  .toIterable()
                  .contains(
                      "root_app_id",
                      "app_id",
                      "parent_app_id",
                      "action",
                      "sequence_id",
                      "chunk",
                      "attempt",
                      "label");
              assertThat(o.get("root_app_id").asText()).isEqualTo("cli-stream");
              assertThat(o.get("parent_app_id").asText()).isEqualTo("cli-stream");
              assertThat(o.get("action").asText()).isEqualTo("write");
            });
    // The haiku is done after one draft: its one write step's chunks joined are its poem.
    String haiku =
        objects.stream()
            .filter(o -> o.get("label").asText().equals("haiku"))
            .map(o -> o.get("chunk").asText())
            .collect(java.util.stream.Collectors.joining());
    assertThat(haiku).isEqualTo(end.get("proposals").get(1).asText());

    // Each write and edit step calls the (offline) model: watch says what the calls cost.
    Console events = new Console();
    assertThat(events.run(concat(new String[] {"watch", "cli-stream"}, where))).isZero();
    assertThat(events.out())
        .containsPattern("STEP_END .*write: .*, 1 model call: \\d+ tokens in, \\d+ out, \\d+ ms");
  }

  @Test
  void submitOfAnUnknownGraphFailsWithItsName() {
    Console submit = new Console();
    int code =
        submit.run(
            "submit",
            "nope",
            "--wait",
            "--bootstrap-servers",
            cluster.bootstrapServers(),
            "--registry-url",
            cluster.registryUrl());
    assertThat(code).isEqualTo(1);
    assertThat(submit.err()).contains("unknown graph 'nope'");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** The dev cluster's flags, as a user passes them. */
  private String[] where() {
    return new String[] {
      "--bootstrap-servers", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl()
    };
  }
}
