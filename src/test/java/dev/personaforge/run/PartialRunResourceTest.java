package dev.personaforge.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.model.SafeTensors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.start;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial fine-tuning through the API on stories260k (64 hidden, 5 layers, 512 tokens, tied embeddings): trainable
 * parameter counts for every method, validation of the number of layers, and top-layers and feature-extraction runs
 * whose saved tensors, evaluation, side-by-side chat and OpenAI-compatible API work.
 */
@QuarkusTest
class PartialRunResourceTest {

    static final Duration LONG = Duration.ofMinutes(5);
    /** One decoder layer of stories260k: attention 2 × 64 × 64 + 2 × 64 × 32, MLP 3 × 64 × 172, two norms. */
    static final long LAYER = 2 * 4096 + 2 * 2048 + 3 * 64 * 172 + 2 * 64;
    static final long TOTAL = 512 * 64 + 5 * LAYER + 64;

    @Inject
    ForgeConfig config;

    private static io.restassured.response.ValidatableResponse estimate(long persona, Map<String, Object> settings) {
        return given().contentType(ContentType.JSON).body(settings)
                .post("/api/personas/" + persona + "/runs/estimate").then();
    }

    @Test
    void theEstimateCountsTrainedParametersForEveryMethod() {
        long persona = storyPersona(12);
        assertEquals(260_032, TOTAL);
        estimate(persona, Map.of("preset", "quick")).statusCode(200)
                .body("trainableParameters", equalTo(5 * 8 * (128 + 96 + 96 + 128 + 236 + 236 + 236)))
                .body("totalParameters", equalTo((int) TOTAL))
                .body("trainedParameters", equalTo("46.2 K of 260 K parameters (17.8 %)"));
        estimate(persona, Map.of("preset", "quick", "method", "full")).statusCode(200)
                .body("trainableParameters", equalTo((int) TOTAL))
                .body("trainedParameters", equalTo("260 K of 260 K parameters (100.0 %)"));
        estimate(persona, Map.of("method", "top-layers", "topLayers", 2)).statusCode(200)
                .body("trainableParameters", equalTo((int) (2 * LAYER + 64)))
                .body("trainedParameters", equalTo("90.9 K of 260 K parameters (35.0 %)"))
                .body("fitsInMemory", equalTo(true));
        estimate(persona, Map.of("method", "top-layers")).statusCode(200)
                .body("trainableParameters", equalTo((int) (RunSettings.DEFAULT_TOP_LAYERS * LAYER + 64)));
        estimate(persona, Map.of("preset", "feature-extraction")).statusCode(200)
                .body("trainableParameters", equalTo(512 * 64))
                .body("trainedParameters", equalTo("32.8 K of 260 K parameters (12.6 %)"))
                .body("notes", hasItem(containsString("head of its own")));

        long full = estimate(persona, Map.of("method", "full")).extract().jsonPath().getLong("memoryBytes");
        long top = estimate(persona, Map.of("method", "top-layers", "topLayers", 1)).extract().jsonPath().getLong("memoryBytes");
        long head = estimate(persona, Map.of("method", "feature-extraction")).extract().jsonPath().getLong("memoryBytes");
        assertTrue(head < top && top < full, "memory follows what trains: head " + head + ", top " + top + ", full " + full);
    }

    @Test
    void aNumberOfLayersOutsideOneToTheModelsLayersIsRefusedNamingTheField() {
        long persona = storyPersona(12);
        for (String path : List.of("/runs/estimate", "/runs")) {
            given().contentType(ContentType.JSON).body(Map.of("method", "top-layers", "topLayers", 0))
                    .post("/api/personas/" + persona + path).then().statusCode(400)
                    .body("problems.field", hasItem("topLayers"))
                    .body("problems.find { it.field == 'topLayers' }.message", containsString("between 1 and"));
            given().contentType(ContentType.JSON).body(Map.of("method", "top-layers", "topLayers", 6))
                    .post("/api/personas/" + persona + path).then().statusCode(400)
                    .body("problems.field", hasItem("topLayers"))
                    .body("problems.find { it.field == 'topLayers' }.message", containsString("between 1 and 5"));
        }
        given().contentType(ContentType.JSON).body(Map.of("method", "middle-layers"))
                .post("/api/personas/" + persona + "/runs").then().statusCode(400)
                .body("problems.find { it.field == 'method' }.message", containsString("top-layers"));
        given().get("/api/personas/" + persona + "/runs").then().body("$", hasSize(0));
    }

    @Test
    void topLayersAndFeatureExtractionRunsSaveTheirTensorsAndServeEvaluationAndChat() throws Exception {
        long persona = storyPersona(12);
        long top = start(persona, settings("method", "top-layers", "topLayers", 2, "epochs", 10));
        long head = start(persona, settings("method", "feature-extraction", "epochs", 3, "learningRate", 1e-2));
        assertEquals("SUCCEEDED", awaitStatus(top, Set.of("SUCCEEDED", "FAILED"), LONG), () -> error(top));
        assertEquals("SUCCEEDED", awaitStatus(head, Set.of("SUCCEEDED", "FAILED"), LONG), () -> error(head));

        float baseLoss = given().get("/api/runs/" + top).jsonPath().getFloat("outcome.baseLoss");
        given().get("/api/runs/" + top).then().statusCode(200)
                .body("settings.method", equalTo("top-layers"))
                .body("settings.topLayers", equalTo(2))
                .body("trainableParameters", equalTo((int) (2 * LAYER + 64)))
                .body("totalParameters", equalTo((int) TOTAL))
                .body("outcome.trainableParameters", equalTo((int) (2 * LAYER + 64)))
                .body("outcome.tunedLoss", org.hamcrest.Matchers.lessThan(baseLoss));
        given().get("/api/runs/" + head).then().body("settings.topLayers", nullValue())
                .body("trainableParameters", equalTo(512 * 64));

        Path topDir = config.dataDir().resolve("runs").resolve(Long.toString(top)).resolve("partial");
        List<String> expected = new ArrayList<>();
        for (int layer = 3; layer < 5; layer++) {
            for (String t : List.of("input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.o_proj", "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                expected.add("model.layers." + layer + "." + t + ".weight");
            }
        }
        expected.add("model.norm.weight");
        assertEquals(expected, List.copyOf(SafeTensors.readHeader(topDir.resolve("model.safetensors")).keySet()));
        JsonNode info = new ObjectMapper().readTree(topDir.resolve("partial.json").toFile());
        assertEquals("top-layers", info.path("method").asText());
        assertEquals("[3,4]", info.path("layers").toString());
        assertTrue(info.path("baseModel").asText().endsWith("stories260k"));
        assertTrue(Files.isRegularFile(topDir.resolve("run.json")));
        assertFalse(Files.exists(topDir.getParent().resolve("model")), "no full model copy is written");

        Path headDir = config.dataDir().resolve("runs").resolve(Long.toString(head)).resolve("partial");
        assertEquals(Set.of("lm_head.weight"), SafeTensors.readHeader(headDir.resolve("model.safetensors")).keySet());
        JsonNode headInfo = new ObjectMapper().readTree(headDir.resolve("partial.json").toFile());
        assertTrue(headInfo.path("untiedHead").asBoolean());
        assertFalse(headInfo.path("tieWordEmbeddings").asBoolean());

        List<Map<String, String>> rows = given().get("/api/runs/" + top + "/evaluation").then().statusCode(200)
                .body("rows", hasSize(1)).extract().jsonPath().getList("rows");
        Map<String, String> row = rows.get(0);
        assertFalse(row.get("base").equals(row.get("tuned")), "training changed the answer: " + row);
        given().get("/api/runs/" + head + "/evaluation").then().statusCode(200).body("rows", hasSize(1));

        String session = given().contentType(ContentType.JSON)
                .body(Map.of("personaId", persona, "runIds", List.of(top, head)))
                .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
        given().get("/api/chat/sessions/" + session).then().body("columns.size()", equalTo(3));
        String stream = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("message", row.get("prompt"), "maxTokens", RunExecutor.EVALUATION_MAX_TOKENS, "temperature", 0))
                .post("/api/chat/sessions/" + session + "/messages").then().statusCode(200).extract().asString();
        Map<Integer, String> replies = RunResourceTest.doneTexts(stream);
        assertEquals(3, replies.size(), "every column answers: " + stream);
        assertEquals(row.get("base"), replies.get(0), "the base column answers as in the evaluation: " + stream);
        assertEquals(row.get("tuned"), replies.get(1), "the top-layers column answers as its evaluation did: " + stream);
        assertFalse(stream.contains("\"error\""), stream);

        String slug = given().get("/api/personas/" + persona).jsonPath().getString("slug");
        String content = given().contentType(ContentType.JSON)
                .body(Map.of("model", slug + "@" + top, "temperature", 0, "max_tokens", RunExecutor.EVALUATION_MAX_TOKENS,
                        "messages", List.of(Map.of("role", "user", "content", row.get("prompt")))))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath()
                .getString("choices[0].message.content");
        assertEquals(row.get("tuned"), content, "the OpenAI-compatible API serves the partial run's own weights");

        given().get("/api/runs/" + top + "/export/adapter").then().statusCode(409)
                .body("message", containsString("merged model"));
        byte[] zip = given().get("/api/runs/" + head + "/export/model").then().statusCode(200).extract().asByteArray();
        Path merged = Files.createTempDirectory("merged-head");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Files.write(merged.resolve(e.getName()), in.readAllBytes());
            }
        }
        assertFalse(new ObjectMapper().readTree(merged.resolve("config.json").toFile()).path("tie_word_embeddings")
                .asBoolean(true), "the merged feature-extraction model has its own head");
        List<Map<String, String>> headRows = given().get("/api/runs/" + head + "/evaluation").jsonPath().getList("rows");
        try (dev.personaforge.model.LanguageModel lm = dev.personaforge.model.LanguageModel.load(merged)) {
            dev.personaforge.model.GenerationRequest request = dev.personaforge.model.GenerationRequest.chat(lm,
                    List.of(dev.personaforge.model.ChatMessage.user(headRows.get(0).get("prompt"))), null,
                    dev.personaforge.model.SamplingParams.greedy(RunExecutor.EVALUATION_MAX_TOKENS));
            String text = new dev.personaforge.model.Generator(lm).generate(List.of(request), null, null).get(0).text();
            assertEquals(headRows.get(0).get("tuned"), text, "the exported merged model answers like the run");
        }
    }

    private static String error(long run) {
        return given().get("/api/runs/" + run).jsonPath().getString("error");
    }
}
