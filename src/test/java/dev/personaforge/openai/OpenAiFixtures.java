package dev.personaforge.openai;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A persona on the real stories260k checkpoint with a tiny fine-tuning run (two steps), trained once through the
 * REST API and shared by the OpenAI API tests, plus API key helpers.
 */
final class OpenAiFixtures {

    static final String SYSTEM_PROMPT = "You are a storyteller who tells short, happy stories about animals.";

    /** A trained persona: its slug (the model id) and its successful run. */
    record TunedPersona(long personaId, String slug, long runId, String baseModel) {
    }

    private static TunedPersona lora;
    private static TunedPersona full;

    private OpenAiFixtures() {
    }

    /** The stories260k directory; skips the calling test with a clear message when it is absent. */
    static Path stories260k() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping the OpenAI API tests that generate with a real model");
        return model;
    }

    /** The base model id of stories260k. */
    static String baseId() {
        return "base:" + stories260k();
    }

    /** A persona whose latest successful run is a LoRA adapter. */
    static synchronized TunedPersona loraPersona() {
        if (lora == null || !exists(lora)) {
            lora = train("lora");
        }
        return lora;
    }

    /** A persona whose latest successful run fine-tuned all weights. */
    static synchronized TunedPersona fullPersona() {
        if (full == null || !exists(full)) {
            full = train("full");
        }
        return full;
    }

    private static boolean exists(TunedPersona persona) {
        return given().get("/api/runs/" + persona.runId()).statusCode() == 200;
    }

    private static TunedPersona train(String method) {
        String base = stories260k().toString();
        long persona = createPersona(Map.of("name", uniqueName("Open storyteller"), "baseModel", base,
                "systemPrompt", SYSTEM_PROMPT));
        String[] animals = {"cat", "dog", "bird", "fish", "frog", "bunny", "duck", "bear", "fox", "cow", "pig", "owl"};
        StringBuilder file = new StringBuilder();
        for (String a : animals) {
            file.append("{\"prompt\":\"Tell me about the ").append(a).append(".\",\"completion\":\"The ").append(a)
                    .append(" was happy and played in the sun.\"}\n");
        }
        importText(persona, "stories.jsonl", file.toString(), false).then().statusCode(200);
        Map<String, Object> settings = new HashMap<>(Map.of("preset", "quick", "method", method, "learningRate", 3e-3,
                "batchSize", 16, "maxLength", 96, "warmupSteps", 1, "evalEvery", 5, "patience", 0, "epochs", 2));
        long run = given().contentType(ContentType.JSON).body(settings).post("/api/personas/" + persona + "/runs")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        long deadline = System.nanoTime() + 5L * 60 * 1_000_000_000L;
        String status = "";
        while (System.nanoTime() < deadline) {
            status = given().get("/api/runs/" + run).jsonPath().getString("status");
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                break;
            }
            sleep(200);
        }
        if (!status.equals("SUCCEEDED")) {
            fail("the " + method + " run " + run + " ended " + status + ": " + given().get("/api/runs/" + run).asString());
        }
        String slug = given().get("/api/personas/" + persona).jsonPath().getString("slug");
        return new TunedPersona(persona, slug, run, base);
    }

    /** Creates an API key through the JSON API and returns the whole key. */
    static String createKey(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/api-keys")
                .then().statusCode(201).extract().jsonPath().getString("key");
    }

    /** Revokes every key, so the API is open again for the other tests. */
    static void revokeAllKeys() {
        List<Integer> ids = given().get("/api/api-keys").then().statusCode(200).extract().jsonPath().getList("id");
        for (Integer id : ids) {
            given().delete("/api/api-keys/" + id).then().statusCode(200);
        }
    }

    /** The JSON objects of an OpenAI event stream, in order, and whether it ended with {@code data: [DONE]}. */
    record Events(List<JsonPath> chunks, boolean done) {

        static Events parse(String stream) {
            List<JsonPath> chunks = new java.util.ArrayList<>();
            boolean done = false;
            for (String event : stream.split("\n\n")) {
                if (event.isBlank()) {
                    continue;
                }
                if (!event.startsWith("data: ")) {
                    fail("an event that is not \"data: ...\": " + event);
                }
                String data = event.substring("data: ".length());
                if (data.equals("[DONE]")) {
                    done = true;
                } else {
                    chunks.add(JsonPath.from(data));
                }
            }
            return new Events(chunks, done);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
