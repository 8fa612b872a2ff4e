package dev.personaforge.api;

import dev.personaforge.hub.FakeHubTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.personaforge.api.ApiFixtures.addPair;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
@QuarkusTestResource(FakeHubTestResource.class)
class ModelResourceTest {

    @BeforeEach
    void needsTheCheckpoint() {
        assumeTrue(FakeHubTestResource.available(), "../shared/models/stories260k is absent: skipping download tests");
    }

    private static String awaitDownload(String model) {
        String[] parts = model.split("/");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String state = given().get("/api/models/downloads/" + parts[0] + "/" + parts[1]).then().statusCode(200)
                    .extract().jsonPath().getString("state");
            if (!"RUNNING".equals(state)) {
                return state;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fail("download of " + model + " did not finish");
        return null;
    }

    private static void download(String model) {
        given().contentType(ContentType.JSON).body(Map.of("model", model)).post("/api/models/downloads")
                .then().statusCode(202).body("model", equalTo(model));
    }

    @Test
    void downloadsAModelSharingOneTransferAndShowsItsFacts() {
        int before = FakeHubTestResource.requestsFor("model.safetensors");
        download(FakeHubTestResource.LICENSED);
        download(FakeHubTestResource.LICENSED);
        assertEquals("DONE", awaitDownload(FakeHubTestResource.LICENSED));
        assertEquals(1, FakeHubTestResource.requestsFor("model.safetensors") - before,
                "concurrent requests share one download");

        given().queryParam("model", FakeHubTestResource.LICENSED).get("/api/models/facts").then().statusCode(200)
                .body("installed", equalTo(true))
                .body("facts.architecture", equalTo("LlamaForCausalLM"))
                .body("facts.parameterCount", greaterThan(200_000))
                .body("facts.contextLength", equalTo(512))
                .body("facts.vocabSize", equalTo(512))
                .body("facts.chatTemplate", equalTo(false))
                .body("facts.sizeOnDisk", greaterThan(1_000_000))
                .body("facts.licence.id", equalTo("mit"))
                .body("facts.licence.warning", nullValue())
                .body("loraTrainingBytes", greaterThan(0))
                .body("fullTrainingBytes", greaterThan(0));
        given().get("/api/models").then().statusCode(200)
                .body("model", hasItem(FakeHubTestResource.LICENSED))
                .body("model", hasItem("HuggingFaceTB/SmolLM2-135M-Instruct"));
        String events = given().accept("text/event-stream")
                .get("/api/models/downloads/" + FakeHubTestResource.LICENSED + "/events").then().statusCode(200)
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(events.contains("\"state\":\"DONE\""), events);

        long persona = createPersona(Map.of("name", uniqueName("Downloaded base"), "baseModel", FakeHubTestResource.LICENSED));
        addPair(persona, "Once upon a time", "there was a cat.");
        given().get("/api/personas/" + persona + "/stats").then().body("promptTokens.max", greaterThan(0));
        given().get("/models").then().statusCode(200)
                .body(containsString(FakeHubTestResource.LICENSED))
                .body(containsString("LlamaForCausalLM"));
    }

    @Test
    void aModelWithoutALicenceIsFlagged() {
        download(FakeHubTestResource.UNLICENSED);
        assertEquals("DONE", awaitDownload(FakeHubTestResource.UNLICENSED));
        given().queryParam("model", FakeHubTestResource.UNLICENSED).get("/api/models/facts").then().statusCode(200)
                .body("facts.licence.source", equalTo("UNKNOWN"))
                .body("facts.licence.warning", notNullValue());
        given().get("/models").then().body(containsString("⚠"));
    }

    @Test
    void aGatedModelWithoutATokenFailsSayingWhatToDo() {
        download(FakeHubTestResource.GATED);
        assertEquals("FAILED", awaitDownload(FakeHubTestResource.GATED));
        given().get("/api/models/downloads/" + FakeHubTestResource.GATED).then()
                .body("error", containsString("HF_TOKEN"));
    }

    @Test
    void badReferencesAreRejected() {
        given().contentType(ContentType.JSON).body(Map.of("model", "not a model")).post("/api/models/downloads")
                .then().statusCode(400).body("problems[0].field", equalTo("model"));
        given().queryParam("model", "/no/such/dir").get("/api/models/facts").then().statusCode(404);
        given().get("/api/models/downloads/nobody/nothing").then().statusCode(404);
    }

    @Test
    void factsOfAHubModelAreShownBeforeDownloadFromItsMetadataOnly() {
        int weightRequests = FakeHubTestResource.requestsFor("model.safetensors");
        given().queryParam("model", FakeHubTestResource.PREVIEW).get("/api/models/facts").then().statusCode(200)
                .body("installed", equalTo(false))
                .body("facts.downloaded", equalTo(false))
                .body("facts.architecture", equalTo("LlamaForCausalLM"))
                .body("facts.parameterCount", greaterThan(200_000))
                .body("facts.contextLength", equalTo(512))
                .body("facts.vocabSize", equalTo(512))
                .body("facts.chatTemplate", equalTo(false))
                .body("facts.weightsBytes", greaterThan(1_000_000))
                .body("facts.sizeOnDisk", nullValue())
                .body("facts.unknown.SIZE_ON_DISK", equalTo("not downloaded yet"))
                .body("facts.licence.id", equalTo("llama3.2"))
                .body("facts.licence.warning", containsString("Acceptable Use Policy"))
                .body("loraTrainingBytes", greaterThan(0))
                .body("fullTrainingBytes", greaterThan(0));
        given().queryParam("model", FakeHubTestResource.PREVIEW_UNLICENSED).get("/api/models/facts").then()
                .statusCode(200)
                .body("facts.licence.source", equalTo("UNKNOWN"))
                .body("facts.licence.warning", notNullValue());
        assertEquals(weightRequests, FakeHubTestResource.requestsFor("model.safetensors"), "no weights fetched for facts");
    }

    @Test
    void aHubModelTheHubDoesNotKnowHasNoFactsAndSaysWhy() {
        given().queryParam("model", "nobody/no-such-model").get("/api/models/facts").then().statusCode(200)
                .body("installed", equalTo(false))
                .body("facts", nullValue())
                .body("factsNote", containsString("nobody/no-such-model"));
    }

    @Test
    void thePersonaFormPicksABaseModelWithItsFactsAndLicence() {
        createPersona(Map.of("name", uniqueName("Picker"), "baseModel", FakeHubTestResource.PREVIEW,
                "systemPrompt", "You pick models."));
        String page = given().get("/personas/new").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("aria-label=\"Choose a base model\""), "picker table");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("data-use-model=\"" + FakeHubTestResource.PREVIEW + "\""));
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("LlamaForCausalLM"), "architecture from the Hub");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("Llama 3.2"), "licence name");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("licence-warning"), "licence warning");
    }
}
