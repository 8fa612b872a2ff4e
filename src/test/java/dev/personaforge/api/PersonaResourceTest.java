package dev.personaforge.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.personaforge.api.ApiFixtures.BASE_MODEL;
import static dev.personaforge.api.ApiFixtures.addPair;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class PersonaResourceTest {

    @Test
    void createsReadsAndListsAPersonaWithDefaults() {
        String name = uniqueName("Auntie");
        long id = given().contentType(ContentType.JSON)
                .body(Map.of("name", "  " + name + " ", "baseModel", BASE_MODEL, "systemPrompt", "Speak warmly."))
                .when().post("/api/personas")
                .then().statusCode(201)
                .header("Location", containsString("/api/personas/"))
                .body("name", equalTo(name))
                .body("language", equalTo("en"))
                .body("validationRatio", equalTo(0.1f))
                .body("splitSeed", equalTo(42))
                .body("createdAt", notNullValue())
                .extract().jsonPath().getLong("id");

        given().when().get("/api/personas/" + id)
                .then().statusCode(200)
                .body("systemPrompt", equalTo("Speak warmly."))
                .body("pairCount", equalTo(0));
        given().when().get("/api/personas")
                .then().statusCode(200)
                .body("name", hasItem(name));
    }

    @Test
    void rejectsMissingNameBadModelLanguageAndRatioNamingEachField() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", " ");
        body.put("baseModel", "not a model");
        body.put("language", "english!");
        body.put("validationRatio", 0.9);
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/personas")
                .then().statusCode(400)
                .body("error", equalTo("invalid_input"))
                .body("problems.field", hasItem("name"))
                .body("problems.field", hasItem("baseModel"))
                .body("problems.field", hasItem("language"))
                .body("problems.field", hasItem("validationRatio"))
                .body("problems.find { it.field == 'baseModel' }.message", containsString("neither a Hugging Face model id"));
    }

    @Test
    void rejectsADuplicateNameIgnoringCase() {
        String name = uniqueName("Support Agent");
        createPersona(name);
        given().contentType(ContentType.JSON).body(Map.of("name", name.toUpperCase(), "baseModel", BASE_MODEL))
                .when().post("/api/personas")
                .then().statusCode(400)
                .body("problems[0].field", equalTo("name"))
                .body("problems[0].message", containsString("already used"));
    }

    @Test
    void rejectsANameOverTheLimitAndAMissingLocalDirectory() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "x".repeat(81), "baseModel", "/no/such/model/dir"))
                .when().post("/api/personas")
                .then().statusCode(400)
                .body("problems.find { it.field == 'name' }.message", containsString("over the limit of 80"))
                .body("problems.find { it.field == 'baseModel' }.message", containsString("does not exist"));
    }

    @Test
    void acceptsAnExistingLocalModelDirectory() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", uniqueName("Local"), "baseModel", System.getProperty("java.io.tmpdir")))
                .when().post("/api/personas")
                .then().statusCode(201);
    }

    @Test
    void rejectsAMissingOrMalformedBody() {
        given().contentType(ContentType.JSON).body("")
                .when().post("/api/personas")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/api/personas")
                .then().statusCode(400)
                .body("error", equalTo("invalid_json"));
    }

    @Test
    void editsAPersonaAndKeepsTheSlugUnique() {
        long id = createPersona(uniqueName("Before"));
        String renamed = uniqueName("After");
        given().contentType(ContentType.JSON)
                .body(Map.of("name", renamed, "baseModel", "Qwen/Qwen2.5-0.5B-Instruct", "language", "ko",
                        "validationRatio", 0.2, "splitSeed", 7))
                .when().put("/api/personas/" + id)
                .then().statusCode(200)
                .body("name", equalTo(renamed))
                .body("slug", equalTo(renamed.toLowerCase().replace(' ', '-')))
                .body("language", equalTo("ko"))
                .body("validationRatio", equalTo(0.2f))
                .body("splitSeed", equalTo(7));
    }

    @Test
    void duplicatesAPersonaWithItsPairs() {
        String name = uniqueName("Original");
        long id = createPersona(name);
        addPair(id, "Hi", "Hello there");
        addPair(id, "Bye", "Take care");
        given().contentType(ContentType.JSON).when().post("/api/personas/" + id + "/duplicate")
                .then().statusCode(201)
                .body("name", equalTo(name + " (copy)"))
                .body("pairCount", equalTo(2))
                .body("id", not(equalTo((int) id)));
        given().contentType(ContentType.JSON).when().post("/api/personas/" + id + "/duplicate")
                .then().statusCode(201)
                .body("name", equalTo(name + " (copy 2)"));
    }

    @Test
    void deletingAPersonaDeletesItsPairs() {
        long id = createPersona(uniqueName("Doomed"));
        long pairId = addPair(id, "Q", "A");
        given().when().delete("/api/personas/" + id).then().statusCode(204);
        given().when().get("/api/personas/" + id).then().statusCode(404)
                .body("error", equalTo("not_found"))
                .body("message", containsString("Persona " + id + " does not exist"));
        given().when().get("/api/personas/" + id + "/pairs/" + pairId).then().statusCode(404);
        org.junit.jupiter.api.Assertions.assertEquals(0L, countPairsInDatabase(id));
    }

    @Test
    void unknownPersonaIs404ForEveryVerb() {
        given().when().get("/api/personas/999999").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "baseModel", BASE_MODEL))
                .when().put("/api/personas/999999").then().statusCode(404);
        given().when().delete("/api/personas/999999").then().statusCode(404);
        given().contentType(ContentType.JSON).when().post("/api/personas/999999/duplicate").then().statusCode(404);
    }

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    private long countPairsInDatabase(long personaId) {
        return ((Number) em.createNativeQuery("select count(*) from training_pair where persona_id = ?1")
                .setParameter(1, personaId).getSingleResult()).longValue();
    }
}
