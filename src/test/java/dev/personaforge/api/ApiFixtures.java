package dev.personaforge.api;

import io.restassured.http.ContentType;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers shared by the API tests: unique personas, pairs and imports through the public API. */
public final class ApiFixtures {

    public static final String BASE_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct";

    private ApiFixtures() {
    }

    public static String uniqueName(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    public static long createPersona(String name) {
        return createPersona(Map.of("name", name, "baseModel", BASE_MODEL, "systemPrompt", "You are a test persona."));
    }

    public static long createPersona(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/personas")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    public static long addPair(long personaId, String prompt, String completion) {
        Map<String, Object> body = new HashMap<>();
        body.put("prompt", prompt);
        body.put("completion", completion);
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/personas/" + personaId + "/pairs")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    /** Imports text as a file through the REST import endpoint and returns the raw response for assertions. */
    public static io.restassured.response.Response importText(long personaId, String fileName, String content,
                                                              boolean checkOnly) {
        return importBytes(personaId, fileName, content.getBytes(java.nio.charset.StandardCharsets.UTF_8), checkOnly);
    }

    public static io.restassured.response.Response importBytes(long personaId, String fileName, byte[] content,
                                                               boolean checkOnly) {
        return given().contentType("application/x-ndjson").body(content)
                .queryParam("filename", fileName)
                .queryParam("checkOnly", checkOnly)
                .when().post("/api/personas/" + personaId + "/import");
    }

    /** n distinct prompt/completion JSONL lines. */
    public static String jsonl(int n, String tag) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"prompt\":\"Question ").append(tag).append(' ').append(i)
                    .append("?\",\"completion\":\"Answer ").append(tag).append(' ').append(i).append(".\"}\n");
        }
        return sb.toString();
    }
}
