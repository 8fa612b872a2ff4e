package dev.personaforge.run;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.jsonl;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.start;
import static dev.personaforge.run.RunTestSupport.status;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class RunResourceTest {

    static final Duration LONG = Duration.ofMinutes(5);

    @Inject
    RunQueue queue;

    @Test
    void runsTrainReportProgressAndCompareBaseWithTuned() {
        long persona = storyPersona(12);
        given().contentType(ContentType.JSON).body(settings("epochs", 20))
                .post("/api/personas/" + persona + "/runs/estimate")
                .then().statusCode(200)
                .body("trainPairs", equalTo(11))
                .body("validationPairs", equalTo(1))
                .body("totalSteps", equalTo(20))
                .body("trainableParameters", greaterThan(200_000))
                .body("estimatedSeconds", notNullValue())
                .body("fitsInMemory", equalTo(true));

        long run = start(persona, settings("epochs", 20));
        assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), LONG));
        given().get("/api/runs/" + run).then()
                .body("step", equalTo(20))
                .body("outcome.steps", equalTo(20))
                .body("outcome.baseLoss", notNullValue())
                .body("outcome.tunedLoss", lessThan(given().get("/api/runs/" + run).jsonPath().getFloat("outcome.baseLoss")))
                .body("datasetHash", notNullValue());
        List<Map<String, Object>> metrics = given().get("/api/runs/" + run + "/metrics").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertTrue(metrics.size() >= 20, "one metric per step: " + metrics.size());
        given().get("/api/runs/" + run + "/logs").then().body("message", hasItem(containsString("Finished after 20 steps")));
        given().get("/api/runs/" + run + "/evaluation").then().statusCode(200)
                .body("rows", hasSize(1))
                .body("rows[0].expected", containsString("was happy"))
                .body("outcome.tunedPerplexity", notNullValue());
        given().queryParam("format", "csv").get("/api/runs/" + run + "/evaluation").then().statusCode(200)
                .body(containsString("prompt,expected,base,tuned"));

        String stream = given().accept("text/event-stream").get("/api/runs/" + run + "/events")
                .then().statusCode(200).extract().asString();
        assertTrue(stream.contains("\"type\":\"progress\""), stream);
        assertTrue(stream.contains("\"status\":\"SUCCEEDED\""), stream);
    }

    @Test
    void fineTuningASamplePersonaReproducesItsCompletions() {
        long persona = given().contentType(ContentType.JSON).post("/api/samples/socratic-tutor/load")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON)
                .body(Map.of("name", uniqueName("Quill on stories260k"), "baseModel", RunTestSupport.stories260k().toString(),
                        "systemPrompt", "You are Professor Quill."))
                .put("/api/personas/" + persona).then().statusCode(200);
        List<Map<String, Object>> pairs = given().queryParam("size", 500).get("/api/personas/" + persona + "/pairs")
                .then().extract().jsonPath().getList("items");
        List<Object> longer = pairs.stream()
                .sorted(java.util.Comparator.comparingInt(p -> ((String) p.get("prompt")).length()
                        + ((String) p.get("completion")).length()))
                .skip(10).map(p -> p.get("id")).toList();
        given().contentType(ContentType.JSON).body(Map.of("ids", longer))
                .post("/api/personas/" + persona + "/pairs/bulk-delete").then().statusCode(200);

        long run = start(persona, settings("epochs", 80, "maxLength", 160, "validationRatio", 0.0, "weightDecay", 0.0,
                "evalEvery", 20));
        assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), LONG));
        List<Map<String, String>> rows = given().get("/api/runs/" + run + "/evaluation").then().statusCode(200)
                .extract().jsonPath().getList("rows");
        assertEquals(10, rows.size());
        long reproduced = rows.stream().filter(r -> r.get("tuned").strip().equals(r.get("expected"))).count();
        long differs = rows.stream().filter(r -> !r.get("base").equals(r.get("tuned"))).count();
        assertTrue(reproduced >= 9, () -> "the tuned model gives the trained completions: " + rows
                + "\nrun log: " + given().get("/api/runs/" + run + "/logs").asString()
                + "\nmetrics: " + given().get("/api/runs/" + run + "/metrics").asString());
        assertEquals(rows.size(), differs, "base and tuned answer differently: " + rows);

        Map<String, String> row = rows.stream().filter(r -> r.get("tuned").strip().equals(r.get("expected")))
                .findFirst().orElseThrow();
        String session = given().contentType(ContentType.JSON).body(Map.of("personaId", persona, "runIds", List.of(run)))
                .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
        String stream = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("message", row.get("prompt"), "maxTokens", 120, "temperature", 0))
                .post("/api/chat/sessions/" + session + "/messages").then().statusCode(200).extract().asString();
        Map<Integer, String> replies = doneTexts(stream);
        assertEquals(row.get("expected"), replies.get(1).strip(), "the fully fine-tuned column answers as trained: " + stream);
        assertTrue(!replies.get(0).equals(replies.get(1)), "the base column answers differently: " + stream);
    }

    /** The final text of each column from a chat's server-sent events. */
    static Map<Integer, String> doneTexts(String stream) {
        Map<Integer, String> texts = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data:")) {
                try {
                    com.fasterxml.jackson.databind.JsonNode event = json.readTree(line.substring(5).strip());
                    if (event.has("finishReason")) {
                        texts.put(event.get("column").asInt(), event.get("text").asText());
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("unreadable event " + line, e);
                }
            }
        }
        return texts;
    }

    @Test
    void runsWaitInQueueOrderAndCanBeCancelledAtAnyPoint() {
        long persona = storyPersona(12);
        long first = start(persona, settings("epochs", 100));
        long second = start(persona, settings("epochs", 1));
        long third = start(persona, settings("epochs", 1));
        awaitStatus(first, Set.of("RUNNING"), LONG);
        given().get("/api/runs/" + third).then().body("status", equalTo("QUEUED")).body("queuePosition", greaterThan(1));

        given().contentType(ContentType.JSON).post("/api/runs/" + third + "/cancel").then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
        given().contentType(ContentType.JSON).post("/api/runs/" + first + "/cancel").then().statusCode(200);
        assertEquals("CANCELLED", awaitStatus(first, Set.of("CANCELLED", "SUCCEEDED", "FAILED"), LONG));
        assertEquals("SUCCEEDED", awaitStatus(second, Set.of("SUCCEEDED", "FAILED"), LONG));
        assertEquals("CANCELLED", status(third));
        Instant firstStarted = Instant.parse(given().get("/api/runs/" + first).jsonPath().getString("startedAt"));
        Instant secondStarted = Instant.parse(given().get("/api/runs/" + second).jsonPath().getString("startedAt"));
        assertTrue(secondStarted.isAfter(firstStarted), "queue order");
        given().get("/api/runs/" + third).then().body("startedAt", equalTo(null));

        given().contentType(ContentType.JSON).post("/api/runs/" + third + "/restart").then().statusCode(200)
                .body("status", equalTo("QUEUED"));
        assertEquals("SUCCEEDED", awaitStatus(third, Set.of("SUCCEEDED", "FAILED"), LONG));
    }

    @Test
    void chatAnswersWhileARunTrainsOnTheSameBaseModelAndTheRunKeepsGoing() {
        long persona = storyPersona(12);
        long run = start(persona, settings("epochs", 100));
        awaitStatus(run, Set.of("RUNNING"), LONG);
        long deadline = System.nanoTime() + LONG.toNanos();
        while (given().get("/api/runs/" + run).jsonPath().getInt("step") < 1 && System.nanoTime() < deadline) {
            pause();
        }
        int stepBefore = given().get("/api/runs/" + run).jsonPath().getInt("step");
        String session = given().contentType(ContentType.JSON).body(Map.of("personaId", persona, "runIds", List.of()))
                .post("/api/chat/sessions").then().log().ifValidationFails().statusCode(201)
                .extract().jsonPath().getString("id");
        String stream = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("message", "Tell me about the cat.", "maxTokens", 8, "temperature", 0))
                .post("/api/chat/sessions/" + session + "/messages").then().statusCode(200).extract().asString();
        assertTrue(stream.contains("\"token\"") || stream.contains("event:token") || stream.contains("\"done\""), stream);
        assertTrue(stream.contains("done"), "the chat finished while the run trains: " + stream);
        assertEquals("RUNNING", status(run));
        long until = System.nanoTime() + LONG.toNanos();
        while (given().get("/api/runs/" + run).jsonPath().getInt("step") <= stepBefore && System.nanoTime() < until) {
            pause();
        }
        assertTrue(given().get("/api/runs/" + run).jsonPath().getInt("step") > stepBefore, "training progressed");
        given().contentType(ContentType.JSON).post("/api/runs/" + run + "/cancel").then().statusCode(200);
        assertEquals("CANCELLED", awaitStatus(run, Set.of("CANCELLED", "SUCCEEDED", "FAILED"), LONG));
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aMaxLengthPastTheModelsContextFailsBeforeTrainingAndPromptsThatFillTheContextAreLeftOutOfTheComparison() {
        long persona = storyPersona(12);
        long tooLong = start(persona, settings("epochs", 1, "maxLength", 1024));
        assertEquals("FAILED", awaitStatus(tooLong, Set.of("SUCCEEDED", "FAILED"), LONG));
        given().get("/api/runs/" + tooLong).then()
                .body("error", containsString("maxLength 1024 is longer than the context of"))
                .body("error", containsString("(512 tokens); use at most 512"))
                .body("step", equalTo(0));

        // a validation prompt that fills stories260k's 512-token context on its own
        String longPrompt = "Tell me about the cat and the dog and the bird. ".repeat(60);
        long withLong = storyPersona(12);
        dev.personaforge.api.ApiFixtures.importText(withLong, "long.jsonl",
                "{\"prompt\":\"" + longPrompt + "\",\"completion\":\"The cat slept.\",\"split\":\"validation\"}\n", false)
                .then().statusCode(200);
        long run = start(withLong, settings("epochs", 1, "maxLength", 512));
        assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), LONG));
        given().get("/api/runs/" + run + "/logs").then()
                .body("message", hasItem(containsString("The comparison left out 1 prompts that, with the system prompt and chat template, fill the model's whole context of 512 tokens")));
        given().get("/api/runs/" + run + "/evaluation").then().statusCode(200)
                .body("rows.prompt", not(hasItem(containsString("cat and the dog and the bird"))));
    }

    @Test
    void badHyperparametersAreRejectedNamingEachField() {
        long persona = storyPersona(12);
        given().contentType(ContentType.JSON)
                .body(Map.of("method", "magic", "epochs", 0, "learningRate", 5.0, "loraRank", 0,
                        "targetModules", List.of("q_proj", "wings"), "preset", "extreme"))
                .post("/api/personas/" + persona + "/runs")
                .then().statusCode(400)
                .body("problems.field", hasItem("method"))
                .body("problems.field", hasItem("epochs"))
                .body("problems.field", hasItem("learningRate"))
                .body("problems.field", hasItem("loraRank"))
                .body("problems.field", hasItem("preset"))
                .body("problems.find { it.field == 'targetModules' }.message", containsString("wings"));
        given().get("/api/personas/" + persona + "/runs").then().body("$", hasSize(0));
    }

    @Test
    void tooFewPairsOrAMissingModelAreRefusedUpFront() {
        long small = storyPersona(5);
        given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/personas/" + small + "/runs")
                .then().statusCode(400)
                .body("problems[0].field", equalTo("pairs"))
                .body("problems[0].message", containsString("at least 10"));
        long remote = createPersona(uniqueName("Remote model"));
        importText(remote, "pairs.jsonl", jsonl(12, "remote"), false).then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/personas/" + remote + "/runs")
                .then().statusCode(400)
                .body("problems[0].field", equalTo("baseModel"))
                .body("problems[0].message", containsString("not on this machine"));
    }

    @Test
    void unknownRunsAndPersonasAre404() {
        given().get("/api/runs/999999").then().statusCode(404).body("message", containsString("Run 999999"));
        given().contentType(ContentType.JSON).post("/api/runs/999999/cancel").then().statusCode(404);
        given().get("/api/runs/999999/events").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of()).post("/api/personas/999999/runs").then().statusCode(404);
    }

    @Test
    void runsLeftRunningByAStoppedServerAreMarkedInterruptedAndCanBeRestarted() {
        long persona = storyPersona(12);
        long run = start(persona, settings("epochs", 1));
        awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), LONG);
        // Another instance that is alive (fresh heartbeat) keeps its run...
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() ->
                TrainingRun.update("status = ?1, claimedBy = ?2, heartbeatAt = ?3 where id = ?4", RunStatus.RUNNING,
                        "forge-elsewhere", java.time.Instant.now().plusSeconds(600), run));
        queue.recoverInterrupted();
        given().get("/api/runs/" + run).then().body("status", equalTo("RUNNING"));
        // ...one whose heartbeat stopped lost its server.
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() ->
                TrainingRun.update("claimedBy = ?1, heartbeatAt = ?2 where id = ?3", "forge-stopped",
                        java.time.Instant.now().minus(RunQueue.STALE_AFTER).minusSeconds(1), run));
        queue.recoverInterrupted();
        given().get("/api/runs/" + run).then().body("status", equalTo("INTERRUPTED"))
                .body("error", containsString("server stopped"));
        given().contentType(ContentType.JSON).post("/api/runs/" + run + "/restart").then().statusCode(200)
                .body("status", equalTo("QUEUED"));
        assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), LONG));
    }
}
