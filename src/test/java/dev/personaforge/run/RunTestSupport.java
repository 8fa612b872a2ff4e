package dev.personaforge.run;

import io.restassured.http.ContentType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Personas on the real stories260k checkpoint and helpers to start and wait for runs through the API. */
final class RunTestSupport {

    private RunTestSupport() {
    }

    static Path stories260k() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping tests that train a real model");
        return model;
    }

    /** A persona on stories260k with {@code n} short, distinct pairs in the style of the model's stories. */
    static long storyPersona(int n) {
        long persona = createPersona(Map.of("name", uniqueName("Storyteller"), "baseModel", stories260k().toString(),
                "systemPrompt", ""));
        String[] animals = {"cat", "dog", "bird", "fish", "frog", "bunny", "duck", "bear", "fox", "cow", "pig", "owl",
                "mouse", "lion", "goat", "horse"};
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String a = animals[i % animals.length] + (i >= animals.length ? " " + i : "");
            file.append("{\"prompt\":\"Tell me about the ").append(a).append(".\",\"completion\":\"The ").append(a)
                    .append(" was happy and played in the sun.\"}\n");
        }
        dev.personaforge.api.ApiFixtures.importText(persona, "stories.jsonl", file.toString(), false)
                .then().statusCode(200);
        return persona;
    }

    static Map<String, Object> settings(Object... keyValues) {
        Map<String, Object> s = new HashMap<>(Map.of("preset", "quick", "method", "full", "learningRate", 3e-3,
                "batchSize", 16, "maxLength", 96, "warmupSteps", 2, "evalEvery", 5, "patience", 0));
        for (int i = 0; i < keyValues.length; i += 2) {
            s.put((String) keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    static long start(long persona, Map<String, Object> settings) {
        return given().contentType(ContentType.JSON).body(settings)
                .post("/api/personas/" + persona + "/runs")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    static String status(long run) {
        return given().get("/api/runs/" + run).then().statusCode(200).extract().jsonPath().getString("status");
    }

    static String awaitStatus(long run, Set<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = status(run);
        while (!wanted.contains(status)) {
            if (System.nanoTime() > deadline) {
                fail("run " + run + " is still " + status + " after " + timeout + "; wanted " + wanted);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            status = status(run);
        }
        return status;
    }
}
