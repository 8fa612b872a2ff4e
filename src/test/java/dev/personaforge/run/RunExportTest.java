package dev.personaforge.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.model.ChatMessage;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.SamplingParams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.start;
import static dev.personaforge.run.RunTestSupport.stories260k;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class RunExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static long loraRun;
    private static long loraPersona;

    /** One quick LoRA run on stories260k shared by the tests of this class. */
    private static synchronized long loraRun() {
        if (loraRun == 0) {
            loraPersona = storyPersona(12);
            loraRun = start(loraPersona, settings("method", "lora", "learningRate", 1e-2, "epochs", 3, "loraRank", 4,
                    "loraAlpha", 8.0));
            assertEquals("SUCCEEDED", awaitStatus(loraRun, Set.of("SUCCEEDED", "FAILED"), Duration.ofMinutes(3)));
        }
        return loraRun;
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static io.restassured.response.Response importZip(long persona, String name, byte[] zip) {
        return given().contentType("application/zip").queryParam("filename", name).body(zip)
                .post("/api/personas/" + persona + "/adapters");
    }

    private static String tunedReply(long persona, long run, String prompt) {
        String session = given().contentType(ContentType.JSON).body(Map.of("personaId", persona, "runIds", List.of(run)))
                .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
        String stream = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("message", prompt, "maxTokens", 40, "temperature", 0))
                .post("/api/chat/sessions/" + session + "/messages").then().statusCode(200).extract().asString();
        return RunResourceTest.doneTexts(stream).get(1);
    }

    @Test
    void anExportedAdapterImportsIntoAnotherPersonaAndAnswersIdentically() throws IOException {
        long run = loraRun();
        byte[] zip = given().get("/api/runs/" + run + "/export/adapter").then().statusCode(200)
                .contentType("application/zip")
                .header("Content-Disposition", containsString("run-" + run + "-adapter.zip"))
                .extract().asByteArray();
        Map<String, byte[]> files = unzip(zip);
        assertEquals(Set.of("adapter_config.json", "adapter_model.safetensors", "chat_template.jinja",
                "system_prompt.txt", "persona_forge.json", "README.md"), files.keySet());
        JsonNode config = JSON.readTree(files.get("adapter_config.json"));
        assertEquals("LORA", config.path("peft_type").asText());
        assertEquals("CAUSAL_LM", config.path("task_type").asText());
        assertEquals(4, config.path("r").asInt());
        assertEquals(run, JSON.readTree(files.get("persona_forge.json")).path("run_id").asLong());

        long other = createPersona(Map.of("name", uniqueName("Imported"), "baseModel", stories260k().toString(),
                "systemPrompt", ""));
        long imported = importZip(other, "from-elsewhere.zip", zip).then().statusCode(201)
                .body("status", equalTo("SUCCEEDED"))
                .body("importedFrom", equalTo("from-elsewhere.zip"))
                .body("settings.loraRank", equalTo(4))
                .extract().jsonPath().getLong("id");
        byte[] reexported = given().get("/api/runs/" + imported + "/export/adapter").then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(files.get("adapter_model.safetensors"), unzip(reexported).get("adapter_model.safetensors"),
                "the imported adapter's weights are the exported ones, byte for byte");

        for (String prompt : List.of("Tell me about the cat.", "Tell me about the fox.")) {
            assertEquals(tunedReply(loraPersona, run, prompt), tunedReply(other, imported, prompt),
                    "original and imported adapter answer alike for " + prompt);
        }
        given().contentType(ContentType.JSON).body("{}").post("/api/runs/" + imported + "/restart").then()
                .statusCode(409).body("message", containsString("imported"));
        given().get("/runs/" + imported).then().statusCode(200).body(containsString("from-elsewhere.zip"))
                .body(containsString("/api/runs/" + imported + "/export/adapter"));
    }

    @Test
    void theMergedModelLoadsAnywhereAndAnswersLikeBasePlusAdapter() throws IOException {
        long run = loraRun();
        byte[] zip = given().get("/api/runs/" + run + "/export/model").then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        Map<String, byte[]> files = unzip(zip);
        assertTrue(files.keySet().containsAll(Set.of("config.json", "model.safetensors", "tokenizer.json",
                "system_prompt.txt")), files.keySet().toString());
        Path dir = Files.createTempDirectory("merged");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        String prompt = "Tell me about the dog.";
        String viaAdapter = tunedReply(loraPersona, run, prompt);
        try (LanguageModel merged = LanguageModel.load(dir)) {
            GenerationRequest request = GenerationRequest.chat(merged, List.of(ChatMessage.user(prompt)), null,
                    SamplingParams.greedy(40));
            GenerationResult result = new Generator(merged).generate(List.of(request), null, null).get(0);
            assertEquals(viaAdapter.strip(), result.text().strip(), "merged weights answer like base + adapter");
        }
    }

    @Test
    void theDatasetSnapshotListsTheRunsPairsWithTheirSplit() {
        long run = loraRun();
        String body = given().get("/api/runs/" + run + "/export/dataset").then().statusCode(200)
                .header("Content-Disposition", containsString("run-" + run + "-dataset.jsonl"))
                .extract().asString();
        List<String> lines = body.lines().toList();
        assertEquals(12, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.contains("\"prompt\"") && l.contains("\"split\"")), body);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"split\":\"validation\"")), body);
        given().contentType("application/x-ndjson").queryParam("checkOnly", true)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/personas/" + createPersona(uniqueName("Snapshot")) + "/import").then().statusCode(200)
                .body("pairsInFile", equalTo(12));
    }

    @Test
    void exportsAndImportsRefuseWhatTheyCannotDoSayingWhy() throws IOException {
        long run = loraRun();
        given().get("/api/runs/987654321/export/adapter").then().statusCode(404);
        long full = start(storyPersona(10), settings("epochs", 1));
        given().get("/api/runs/" + full + "/export/adapter").then().statusCode(409)
                .body("message", containsString("succeeded"));
        awaitStatus(full, Set.of("SUCCEEDED", "FAILED"), Duration.ofMinutes(3));
        given().get("/api/runs/" + full + "/export/adapter").then().statusCode(409)
                .body("message", containsString("merged model"));

        Map<String, byte[]> files = unzip(given().get("/api/runs/" + run + "/export/adapter").then().extract().asByteArray());
        long persona = createPersona(Map.of("name", uniqueName("Bad imports"), "baseModel", stories260k().toString(),
                "systemPrompt", ""));
        importZip(persona, "notes.zip", "not a zip".getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                .body("problems[0].field", equalTo("file")).body("message", containsString("notes.zip"));
        importZip(persona, "only-config.zip", zip(Map.of("adapter_config.json", files.get("adapter_config.json"))))
                .then().statusCode(400).body("message", containsString("adapter_model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode wrongRank = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(files.get("adapter_config.json"));
        wrongRank.put("r", 8);
        importZip(persona, "wrong-rank.zip", zip(Map.of("adapter_config.json", json.writeValueAsBytes(wrongRank),
                "adapter_model.safetensors", files.get("adapter_model.safetensors")))).then().statusCode(400)
                .body("message", containsString("lora_A.weight has shape"));
        com.fasterxml.jackson.databind.node.ObjectNode dora = wrongRank.deepCopy();
        dora.put("r", 4);
        dora.put("use_dora", true);
        importZip(persona, "dora.zip", zip(Map.of("adapter_config.json", json.writeValueAsBytes(dora),
                "adapter_model.safetensors", files.get("adapter_model.safetensors")))).then().statusCode(400)
                .body("message", containsString("use_dora"));
        importZip(987654321L, "x.zip", zip(files)).then().statusCode(404);
        given().get("/api/personas/" + persona + "/runs").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void theImportPageUploadsAZipAndShowsErrorsInWords() throws IOException {
        long run = loraRun();
        byte[] zip = given().get("/api/runs/" + run + "/export/adapter").then().extract().asByteArray();
        long persona = createPersona(Map.of("name", uniqueName("Page import"), "baseModel", stories260k().toString(),
                "systemPrompt", ""));
        io.restassured.response.Response page = given().get("/personas/" + persona + "/adapters");
        page.then().statusCode(200).body(containsString("Import a PEFT LoRA adapter"));
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"")
                .matcher(page.asString());
        assertTrue(token.find(), "the form carries a CSRF token");
        Map<String, String> cookies = page.getCookies();
        given().cookies(cookies).multiPart("csrf-token", token.group(1))
                .multiPart("file", "bad.zip", "nope".getBytes(StandardCharsets.UTF_8), "application/zip")
                .redirects().follow(false).post("/personas/" + persona + "/adapters")
                .then().statusCode(400).body(containsString("bad.zip"));
        String location = given().cookies(cookies).multiPart("csrf-token", token.group(1))
                .multiPart("file", "good.zip", zip, "application/zip")
                .redirects().follow(false).post("/personas/" + persona + "/adapters")
                .then().statusCode(303).extract().header("Location");
        assertTrue(location.matches(".*/runs/\\d+"), location);
        given().get(location).then().statusCode(200).body(containsString("good.zip"));
    }
}
