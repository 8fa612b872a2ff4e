package dev.personaforge.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.personaforge.api.ApiFixtures.addPair;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importBytes;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.jsonl;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class DatasetResourceTest {

    private static long fresh() {
        return createPersona(uniqueName("Dataset"));
    }

    private static void assertNothingImported(long persona) {
        given().when().get("/api/personas/" + persona + "/pairs").then().body("total", equalTo(0));
    }

    /** Imports a file that must fail, and checks that nothing was saved and that the first error names the line. */
    private static Response rejected(String content, int line) {
        long persona = fresh();
        Response response = importText(persona, "bad.jsonl", content, false);
        response.then().statusCode(422)
                .body("errorCount", greaterThan(0))
                .body("imported", equalTo(0))
                .body("errors.line", hasItem(line));
        assertNothingImported(persona);
        return response;
    }

    @Test
    void importsEachFormatAndReportsIt() {
        long persona = fresh();
        importText(persona, "pc.jsonl", jsonl(3, "pc"), false).then().statusCode(200)
                .body("format", equalTo("prompt/completion JSONL")).body("imported", equalTo(3));
        importText(persona, "chat.jsonl", """
                {"messages":[{"role":"system","content":"You are a test persona."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
                """, false).then().statusCode(200)
                .body("format", equalTo("OpenAI chat JSONL")).body("imported", equalTo(1));
        importText(persona, "alpaca.jsonl", """
                {"instruction":"Translate","input":"cat","output":"고양이"}
                """, false).then().statusCode(200)
                .body("format", containsString("Alpaca")).body("imported", equalTo(1));
        importText(persona, "pairs.csv", "prompt,completion,tags\n\"Hello, you\",\"Hi \"\"friend\"\"\",greeting\n", false)
                .then().statusCode(200).body("format", equalTo("CSV")).body("imported", equalTo(1));
        given().queryParam("q", "고양이").when().get("/api/personas/" + persona + "/pairs")
                .then().body("items[0].prompt", equalTo("Translate\n\ncat"));
        given().queryParam("q", "friend").when().get("/api/personas/" + persona + "/pairs")
                .then().body("items[0].prompt", equalTo("Hello, you")).body("items[0].tags", hasItem("greeting"));
    }

    @Test
    void invalidJsonNamesTheLine() {
        rejected(jsonl(2, "ok") + "{\"prompt\": \"broken\n", 3);
    }

    @Test
    void missingFieldNamesLineAndField() {
        rejected(jsonl(1, "ok") + "{\"prompt\":\"only a prompt\"}\n", 2)
                .then().body("errors.find { it.line == 2 }.field", equalTo("completion"));
    }

    @Test
    void emptyFieldNamesLineAndField() {
        rejected("{\"prompt\":\"   \",\"completion\":\"x\"}\n", 1)
                .then().body("errors[0].field", equalTo("prompt"))
                .body("errors[0].message", containsString("whitespace"));
    }

    @Test
    void wrongRoleOrderNamesTheLine() {
        rejected("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}
                {"messages":[{"role":"assistant","content":"Hello"},{"role":"user","content":"Hi"}]}
                """, 2)
                .then().body("errors[0].message", containsString("order"));
    }

    @Test
    void unknownRoleNamesTheLineAndTheRole() {
        rejected("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"bot","content":"Hello"}]}
                """, 1)
                .then().body("errors[0].message", containsString("bot"));
    }

    @Test
    void textOverTheLimitNamesLineFieldAndLimit() {
        rejected(jsonl(1, "ok") + "{\"prompt\":\"q\",\"completion\":\"" + "y".repeat(16_500) + "\"}\n", 2)
                .then().body("errors[0].field", equalTo("completion"))
                .body("errors[0].message", containsString("16,000"));
    }

    @Test
    void duplicateOfAnExistingPairNamesTheLine() {
        long persona = fresh();
        addPair(persona, "Question dup 2?", "Answer dup 2.");
        importText(persona, "dup.jsonl", jsonl(3, "dup"), false).then().statusCode(422)
                .body("errors[0].line", equalTo(2))
                .body("errors[0].message", containsString("already"));
        given().when().get("/api/personas/" + persona + "/pairs").then().body("total", equalTo(1));
    }

    @Test
    void duplicateInsideTheFileNamesBothLines() {
        rejected(jsonl(2, "same") + jsonl(1, "same"), 3)
                .then().body("errors[0].message", containsString("line 1"));
    }

    @Test
    void wrongEncodingNamesTheLine() {
        byte[] latin1 = (jsonl(1, "ok") + "{\"prompt\":\"café\",\"completion\":\"crème\"}\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        long persona = fresh();
        importBytes(persona, "latin1.jsonl", latin1, false).then().statusCode(422)
                .body("errors[0].line", equalTo(2))
                .body("errors[0].message", containsString("UTF-8"));
        assertNothingImported(persona);
    }

    @Test
    void listsAllErrorsCappedWithTheTotal() {
        StringBuilder bad = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            bad.append("not json\n");
        }
        long persona = fresh();
        importText(persona, "many-bad.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n" + bad, false)
                .then().statusCode(422)
                .body("errorCount", equalTo(150))
                .body("errors", hasSize(100));
    }

    @Test
    void checkOnlyReportsWithoutSaving() {
        long persona = fresh();
        importText(persona, "ok.jsonl", jsonl(12, "check"), true).then().statusCode(200)
                .body("checkOnly", equalTo(true)).body("pairsInFile", equalTo(12)).body("imported", equalTo(0));
        assertNothingImported(persona);
        importText(persona, "bad.jsonl", "{oops}\n", true).then().statusCode(422).body("errors[0].line", equalTo(1));
    }

    @Test
    void fileOverTheUploadLimitIsRefusedWithAClearMessage() {
        long persona = fresh();
        byte[] big = new byte[1_200_000];
        java.util.Arrays.fill(big, (byte) ' ');
        importBytes(persona, "big.jsonl", big, false).then().statusCode(413)
                .body("error", equalTo("too_large"))
                .body("message", containsString("upload limit is 1.0 MB"));
        assertNothingImported(persona);
    }

    @Test
    void importIntoAnUnknownPersonaIs404() {
        importText(999_999, "x.jsonl", jsonl(1, "x"), false).then().statusCode(404);
    }

    @Test
    void exportRoundTripsInEveryFormat() {
        long source = fresh();
        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "Say \"hi\", please", "completion", "안녕, 반가워!\nLine two 🎉", "tags", List.of("greeting", "ko"), "split", "validation"))
                .post("/api/personas/" + source + "/pairs").then().statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "Commas, everywhere", "completion", "Yes; even, here", "split", "train"))
                .post("/api/personas/" + source + "/pairs").then().statusCode(201);
        addPair(source, "Plain", "Text");
        List<Map<String, Object>> original = pairs(source);

        for (String format : List.of("jsonl", "chat", "csv")) {
            Response export = given().queryParam("format", format).when().get("/api/personas/" + source + "/export");
            export.then().statusCode(200).header("Content-Disposition", containsString("attachment"));
            long target = fresh();
            importBytes(target, "export." + (format.equals("csv") ? "csv" : "jsonl"), export.asByteArray(), false)
                    .then().statusCode(200).body("imported", equalTo(3));
            assertEquals(original, pairs(target), "round trip through " + format);
        }
    }

    @Test
    void chatExportCarriesTheSystemPrompt() {
        long persona = fresh();
        addPair(persona, "Hi", "Hello");
        String body = given().queryParam("format", "chat").when().get("/api/personas/" + persona + "/export")
                .then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(body.contains("\"role\":\"system\",\"content\":\"You are a test persona.\""), body);
    }

    @Test
    void unknownExportFormatIs400NamingTheParameter() {
        given().queryParam("format", "xml").when().get("/api/personas/" + fresh() + "/export")
                .then().statusCode(400).body("problems[0].field", equalTo("format"));
    }

    @Test
    void statsReportCountsSplitAndWarnings() {
        long persona = fresh();
        given().when().get("/api/personas/" + persona + "/stats").then().statusCode(200)
                .body("total", equalTo(0))
                .body("warnings.kind", hasItem("TOO_FEW_PAIRS"));
        importText(persona, "twenty.jsonl", jsonl(20, "stats"), false).then().statusCode(200);
        addPair(persona, "Question stats 1?", "Answer stats 1.");
        addPair(persona, "  ", "");
        given().when().get("/api/personas/" + persona + "/stats").then().statusCode(200)
                .body("total", equalTo(22))
                .body("train", equalTo(20))
                .body("validation", equalTo(2))
                .body("warnings.kind", hasItem("DUPLICATE_PAIR"))
                .body("warnings.kind", hasItem("EMPTY_TEXT"))
                .body("warnings.find { it.kind == 'TOO_FEW_PAIRS' }.severity", equalTo("WARNING"))
                .body("promptChars.max", lessThanOrEqualTo(20))
                .body("promptChars", notNullValue())
                .body("promptTokens", nullValue());
    }

    @Test
    void statsCountTokensWhenTheBaseModelTokenizerIsHere() {
        java.nio.file.Path model = java.nio.file.Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(model),
                "../shared/models/stories260k is absent: skipping the token statistics test");
        long persona = createPersona(Map.of("name", uniqueName("Tokens"), "baseModel", model.toAbsolutePath().toString()));
        addPair(persona, "Once upon a time", "there was a dog.");
        given().when().get("/api/personas/" + persona + "/stats").then().statusCode(200)
                .body("promptTokens.max", greaterThan(0))
                .body("completionTokens.max", greaterThan(0));
    }

    private static List<Map<String, Object>> pairs(long persona) {
        List<Map<String, Object>> items = given().queryParam("size", 500).when().get("/api/personas/" + persona + "/pairs")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream()
                .map(p -> Map.of("prompt", p.get("prompt"), "completion", p.get("completion"), "tags", p.get("tags"),
                        "split", p.get("split")))
                .toList();
    }
}
