package dev.personaforge.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.jsonl;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.status;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** k-fold cross-validation through the JSON API and the page forms, on the real stories260k checkpoint. */
@QuarkusTest
class CrossValidationResourceTest {

    static final Duration LONG = Duration.ofMinutes(5);
    static final Set<String> ACTIVE = Set.of("QUEUED", "RUNNING");

    static Response startCv(long persona, Object k, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>();
        if (k != null) {
            body.put("k", k);
        }
        if (settings != null) {
            body.put("settings", settings);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/personas/" + persona + "/cross-validations");
    }

    static JsonPath awaitFinished(long cv) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (true) {
            JsonPath view = given().get("/api/cross-validations/" + cv).then().statusCode(200).extract().jsonPath();
            if (!ACTIVE.contains(view.getString("status"))) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                fail("cross-validation " + cv + " is still " + view.getString("status") + " after " + LONG);
            }
            pause();
        }
    }

    @Test
    void threeFoldsTrainOnDisjointValidationFoldsCoveringEveryPairOnceAndReportMeanAndSampleStd() {
        long persona = storyPersona(12);
        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "Tell me about the pinned whale.", "completion", "The whale was happy and swam.",
                        "split", "validation"))
                .post("/api/personas/" + persona + "/pairs").then().statusCode(201);
        Response started = startCv(persona, 3, settings("epochs", 2));
        started.then().statusCode(201)
                .header("Location", containsString("/api/cross-validations/"))
                .body("k", equalTo(3))
                .body("pairCount", equalTo(13))
                .body("folds", hasSize(3))
                .body("folds.status", hasItem("QUEUED"))
                .body("mean", nullValue());
        long cv = started.jsonPath().getLong("id");

        JsonPath done = awaitFinished(cv);
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals(3, done.getInt("succeededFolds"));
        List<Long> runIds = done.getList("folds.runId", Long.class);
        assertEquals(List.of(0, 1, 2), done.getList("folds.index", Integer.class));
        assertEquals(List.of(5, 4, 4), done.getList("folds.validationCount", Integer.class), "near-equal folds, larger first");
        assertEquals(List.of(8, 9, 9), done.getList("folds.trainCount", Integer.class));

        // The run_pair snapshots: every fold run holds all 13 pairs; validation sets are disjoint and cover each once.
        Map<String, Integer> validatedIn = new HashMap<>();
        Set<String> allPairs = new HashSet<>();
        for (long run : runIds) {
            List<RunPair> pairs = QuarkusTransaction.requiringNew().call(() -> RunPair.<RunPair>list("runId = ?1 order by ordinal", run));
            assertEquals(13, pairs.size());
            for (RunPair p : pairs) {
                allPairs.add(p.prompt);
                if (p.validation) {
                    assertFalse(validatedIn.containsKey(p.prompt), p.prompt + " validates in two folds");
                    validatedIn.put(p.prompt, (int) run);
                }
            }
            TrainingRun entity = QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(run));
            assertEquals(cv, entity.crossValidationId);
        }
        assertEquals(13, allPairs.size());
        assertEquals(allPairs, validatedIn.keySet(), "every pair, the pinned one too, validates in exactly one fold");

        // Mean and sample standard deviation of the folds' validation losses, as each run reports it.
        List<Double> losses = new ArrayList<>();
        for (long run : runIds) {
            JsonPath r = given().get("/api/runs/" + run).then().statusCode(200)
                    .body("crossValidationId", equalTo((int) cv)).extract().jsonPath();
            assertEquals("SUCCEEDED", r.getString("status"));
            losses.add(r.getDouble("outcome.tunedLoss"));
        }
        assertEquals(losses, done.getList("folds.valLoss", Double.class));
        double mean = losses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = losses.stream().mapToDouble(l -> (l - mean) * (l - mean)).sum() / 2;
        assertEquals(mean, done.getDouble("mean"), 1e-6 * mean, "JSON numbers read back as floats");
        assertEquals(Math.sqrt(var), done.getDouble("std"), 1e-5 * mean, "sample standard deviation (n − 1)");
        given().get("/api/personas/" + persona + "/cross-validations").then().statusCode(200)
                .body("id", hasItem((int) cv));

        // Keep fold 2: the other folds' weights go, the kept one stays and is offered in the chat.
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + runIds.get(1))
                .then().statusCode(200)
                .body("keptRunId", equalTo(runIds.get(1).intValue()))
                .body("folds.kept", equalTo(List.of(false, true, false)))
                .body("folds.modelAvailable", equalTo(List.of(false, true, false)));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + runIds.get(1))
                .then().statusCode(200);
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + runIds.get(0))
                .then().statusCode(409).body("message", containsString("already keeps run #" + runIds.get(1)));
        String session = given().contentType(ContentType.JSON)
                .body(Map.of("personaId", persona, "runIds", List.of(runIds.get(1))))
                .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
        assertTrue(session != null && !session.isBlank());
        given().contentType(ContentType.JSON).body(Map.of("personaId", persona, "runIds", List.of(runIds.get(0))))
                .post("/api/chat/sessions").then().statusCode(404);

        // Retrain: one ordinary run, same settings, all 13 pairs training.
        Response retrain = given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/retrain");
        retrain.then().statusCode(201)
                .body("trainCount", equalTo(13))
                .body("validationCount", equalTo(0))
                .body("crossValidationId", nullValue())
                .body("settings.epochs", equalTo(2))
                .body("settings.learningRate", equalTo(3e-3f));
        long retrained = retrain.jsonPath().getLong("id");
        given().get("/api/cross-validations/" + cv).then().body("retrainRunId", equalTo((int) retrained));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/retrain")
                .then().statusCode(409).body("message", containsString("already retrained as run #" + retrained));
        given().contentType(ContentType.JSON).post("/api/runs/" + retrained + "/cancel").then().statusCode(200);
        awaitStatus(retrained, Set.of("CANCELLED", "SUCCEEDED", "FAILED"), LONG);
    }

    @Test
    void cancellingStopsEveryFoldAsOneJob() {
        long persona = storyPersona(12);
        long cv = startCv(persona, 3, settings("epochs", 100)).then().statusCode(201).extract().jsonPath().getLong("id");
        List<Long> runIds = given().get("/api/cross-validations/" + cv).jsonPath().getList("folds.runId", Long.class);
        awaitStatus(runIds.get(0), Set.of("RUNNING"), LONG);
        given().get("/api/cross-validations/" + cv).then().body("status", equalTo("RUNNING"));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + runIds.get(0))
                .then().statusCode(409).body("message", containsString("still running"));

        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/cancel").then().statusCode(200)
                .body("folds[1].status", equalTo("CANCELLED"))
                .body("folds[2].status", equalTo("CANCELLED"));
        assertEquals("CANCELLED", awaitStatus(runIds.get(0), Set.of("CANCELLED", "SUCCEEDED", "FAILED"), LONG));
        JsonPath done = awaitFinished(cv);
        assertEquals("CANCELLED", done.getString("status"));
        assertEquals(List.of("CANCELLED", "CANCELLED", "CANCELLED"), done.getList("folds.status"));
        given().get("/api/runs/" + runIds.get(2)).then().body("startedAt", nullValue());
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + runIds.get(0))
                .then().statusCode(409).body("message", containsString("only a fold that succeeded can be kept"));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/cancel").then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
        assertEquals("CANCELLED", status(runIds.get(1)));
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheLimitAndNothingIsQueued() {
        long persona = storyPersona(12);
        startCv(persona, 2, settings()).then().statusCode(400)
                .body("problems[0].field", equalTo("k"))
                .body("problems[0].message", containsString("between 3 and 10, not 2"));
        startCv(persona, 11, settings()).then().statusCode(400)
                .body("problems[0].field", equalTo("k"))
                .body("problems[0].message", containsString("not 11"));
        startCv(persona, null, settings()).then().statusCode(400)
                .body("problems[0].field", equalTo("k"))
                .body("problems[0].message", containsString("required"));
        startCv(persona, 0, settings("epochs", 0, "method", "magic")).then().statusCode(400)
                .body("problems.field", hasItem("k"))
                .body("problems.field", hasItem("epochs"))
                .body("problems.field", hasItem("method"));
        startCv(persona, 5, settings()).then().statusCode(400)
                .body("problems[0].field", equalTo("pairs"))
                .body("problems[0].message", containsString("at least 15"))
                .body("problems[0].message", containsString("has 12"));
        startCv(persona, "three", settings()).then().log().ifValidationFails().statusCode(400)
                .body("message", containsString("\"k\""));
        given().contentType(ContentType.JSON).body("{\"k\": 3,").post("/api/personas/" + persona + "/cross-validations")
                .then().statusCode(400);
        given().get("/api/personas/" + persona + "/cross-validations").then().statusCode(200).body("$", hasSize(0));
        given().get("/api/personas/" + persona + "/runs").then().body("$", hasSize(0));

        long remote = createPersona(uniqueName("Remote model"));
        importText(remote, "pairs.jsonl", jsonl(12, "remote"), false).then().statusCode(200);
        startCv(remote, 3, null).then().statusCode(400)
                .body("problems[0].field", equalTo("baseModel"))
                .body("problems[0].message", containsString("not on this machine"));
    }

    @Test
    void unknownCrossValidationsRunsAndPersonasAre404() {
        given().get("/api/cross-validations/999999").then().statusCode(404)
                .body("message", containsString("Cross-validation 999999"));
        given().contentType(ContentType.JSON).post("/api/cross-validations/999999/cancel").then().statusCode(404);
        given().contentType(ContentType.JSON).post("/api/cross-validations/999999/keep/1").then().statusCode(404);
        given().contentType(ContentType.JSON).post("/api/cross-validations/999999/retrain").then().statusCode(404);
        startCv(999999, 3, settings()).then().statusCode(404);
        given().get("/api/personas/999999/cross-validations").then().statusCode(404);

        long persona = storyPersona(12);
        long cv = startCv(persona, 3, settings("epochs", 1)).then().statusCode(201).extract().jsonPath().getLong("id");
        long other = RunTestSupport.start(persona, settings("epochs", 1));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/keep/" + other)
                .then().statusCode(404).body("message", containsString("not a fold of cross-validation " + cv));
        given().contentType(ContentType.JSON).post("/api/cross-validations/" + cv + "/cancel").then().statusCode(200);
        given().contentType(ContentType.JSON).post("/api/runs/" + other + "/cancel").then().statusCode(200);
        awaitFinished(cv);
        awaitStatus(other, Set.of("CANCELLED", "SUCCEEDED", "FAILED"), LONG);

        given().delete("/api/personas/" + persona).then().statusCode(org.hamcrest.Matchers.lessThan(300));
        given().get("/api/cross-validations/" + cv).then().statusCode(404);
        given().get("/api/runs/" + other).then().statusCode(404);
    }

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Test
    void pageFormsStartShowCancelAndRefuseBadFolds() {
        long persona = storyPersona(12);
        Response page = given().get("/personas/" + persona);
        page.then().statusCode(200).body(containsString("Cross-validate"))
                .body(containsString("pinned"));
        Matcher m = TOKEN.matcher(page.asString());
        assertTrue(m.find());
        Map<String, String> cookies = page.getCookies();
        String token = m.group(1);

        given().cookies(cookies).formParam("csrf-token", token).formParam("preset", "quick").formParam("k", "12")
                .post("/personas/" + persona + "/cross-validations").then().statusCode(400)
                .body(containsString("Folds must be between 3 and 10, not 12"))
                .body(containsString("value=\"12\""));
        given().cookies(cookies).formParam("csrf-token", token).formParam("preset", "quick").formParam("k", "x")
                .post("/personas/" + persona + "/cross-validations").then().statusCode(400);
        Map<String, Object> s = settings("epochs", 100);
        var form = given().cookies(cookies).redirects().follow(false).formParam("csrf-token", token).formParam("k", "3");
        s.forEach((key, value) -> form.formParam(key, value.toString()));
        String location = form.post("/personas/" + persona + "/cross-validations").then().statusCode(303)
                .extract().header("Location");
        assertTrue(location.contains("/cross-validations/"), location);
        long cv = Long.parseLong(location.replaceAll(".*/cross-validations/(\\d+).*", "$1"));
        given().get("/cross-validations/" + cv).then().statusCode(200)
                .body(containsString("Cross-validation #" + cv))
                .body(containsString("data-fold=\"2\""))
                .body(containsString("Cancel all folds"));
        given().get("/personas/" + persona).then().statusCode(200)
                .body(containsString("data-cross-validation=\"" + cv + "\""));

        given().cookies(cookies).redirects().follow(false).formParam("csrf-token", token)
                .post("/cross-validations/" + cv + "/cancel").then().statusCode(303);
        assertEquals("CANCELLED", awaitFinished(cv).getString("status"));
        given().cookies(cookies).formParam("csrf-token", token)
                .post("/cross-validations/" + cv + "/keep/" + given().get("/api/cross-validations/" + cv)
                        .jsonPath().getLong("folds[0].runId"))
                .then().statusCode(409).body(containsString("only a fold that succeeded"));
        given().get("/cross-validations/999999").then().statusCode(404).contentType(containsString("text/html"));
        given().cookies(cookies).formParam("csrf-token", token).post("/cross-validations/999999/cancel")
                .then().statusCode(404);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
