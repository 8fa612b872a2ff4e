package dev.personaforge.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.personaforge.api.ApiFixtures.addPair;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.jsonl;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;

@QuarkusTest
class PairResourceTest {

    @Test
    void addsReadsEditsAndDeletesAPair() {
        long persona = createPersona(uniqueName("Pairs"));
        long id = given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "밥 뭇나?", "completion", "아직 안 뭇다, 니는?", "tags", List.of("food, greeting", "food")))
                .when().post("/api/personas/" + persona + "/pairs")
                .then().statusCode(201)
                .body("tags", contains("food", "greeting"))
                .body("split", equalTo("auto"))
                .body("effectiveSplit", is(oneOf("train", "validation")))
                .extract().jsonPath().getLong("id");

        given().when().get("/api/personas/" + persona + "/pairs/" + id)
                .then().statusCode(200).body("prompt", equalTo("밥 뭇나?"));

        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "밥 뭇나?", "completion", "뭇다 아이가!", "tags", List.of(), "split", "validation"))
                .when().put("/api/personas/" + persona + "/pairs/" + id)
                .then().statusCode(200)
                .body("completion", equalTo("뭇다 아이가!"))
                .body("split", equalTo("validation"))
                .body("effectiveSplit", equalTo("validation"));

        given().when().delete("/api/personas/" + persona + "/pairs/" + id).then().statusCode(204);
        given().when().get("/api/personas/" + persona + "/pairs/" + id).then().statusCode(404)
                .body("message", containsString("Pair " + id + " does not exist"));
    }

    @Test
    void rejectsTooLongTextAndAnUnknownSplitNamingTheField() {
        long persona = createPersona(uniqueName("Limits"));
        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "x".repeat(16_001), "completion", "ok", "split", "sometimes"))
                .when().post("/api/personas/" + persona + "/pairs")
                .then().statusCode(400)
                .body("problems.find { it.field == 'prompt' }.message", containsString("16,001 characters, over the limit of 16,000"))
                .body("problems.find { it.field == 'split' }.message", containsString("sometimes"));
        given().when().get("/api/personas/" + persona + "/pairs").then().body("total", equalTo(0));
    }

    @Test
    void aPairOfAnotherPersonaIsNotFound() {
        long a = createPersona(uniqueName("A"));
        long b = createPersona(uniqueName("B"));
        long pairOfA = addPair(a, "q", "a");
        given().when().get("/api/personas/" + b + "/pairs/" + pairOfA).then().statusCode(404);
        given().when().delete("/api/personas/" + b + "/pairs/" + pairOfA).then().statusCode(404);
        given().when().get("/api/personas/" + b + "/pairs/999999").then().statusCode(404);
        given().when().get("/api/personas/999999/pairs").then().statusCode(404);
    }

    @Test
    void bulkDeletesOnlyTheGivenPairsOfThisPersona() {
        long persona = createPersona(uniqueName("Bulk"));
        long other = createPersona(uniqueName("Other"));
        long p1 = addPair(persona, "1", "one");
        long p2 = addPair(persona, "2", "two");
        addPair(persona, "3", "three");
        long foreign = addPair(other, "x", "y");
        given().contentType(ContentType.JSON).body(Map.of("ids", List.of(p1, p2, foreign)))
                .when().post("/api/personas/" + persona + "/pairs/bulk-delete")
                .then().statusCode(200).body("deleted", equalTo(2));
        given().when().get("/api/personas/" + persona + "/pairs").then().body("total", equalTo(1));
        given().when().get("/api/personas/" + other + "/pairs").then().body("total", equalTo(1));
        given().contentType(ContentType.JSON).body(Map.of("ids", List.of()))
                .when().post("/api/personas/" + persona + "/pairs/bulk-delete")
                .then().statusCode(400).body("problems[0].field", equalTo("ids"));
    }

    @Test
    void searchesFiltersAndPagesThousandsOfPairs() {
        long persona = createPersona(uniqueName("Many"));
        importText(persona, "many.jsonl", jsonl(1200, "bulk"), false).then().statusCode(200).body("imported", equalTo(1200));
        given().contentType(ContentType.JSON)
                .body(Map.of("prompt", "Where is 100% cotton_fabric?", "completion", "Aisle 3", "tags", List.of("shop")))
                .when().post("/api/personas/" + persona + "/pairs").then().statusCode(201);

        given().queryParam("page", 2).queryParam("size", 100)
                .when().get("/api/personas/" + persona + "/pairs")
                .then().statusCode(200)
                .body("total", equalTo(1201))
                .body("items", hasSize(100))
                .body("items[0].prompt", equalTo("Question bulk 201?"));
        given().queryParam("q", "BULK 1199")
                .when().get("/api/personas/" + persona + "/pairs")
                .then().body("total", equalTo(1)).body("items[0].completion", equalTo("Answer bulk 1199."));
        given().queryParam("q", "100% cotton_")
                .when().get("/api/personas/" + persona + "/pairs")
                .then().body("total", equalTo(1));
        given().queryParam("q", "0%")
                .when().get("/api/personas/" + persona + "/pairs")
                .then().body("total", equalTo(1));
        given().queryParam("tag", "shop")
                .when().get("/api/personas/" + persona + "/pairs")
                .then().body("total", equalTo(1)).body("items[0].tags", contains("shop"));
        int validation = given().queryParam("split", "validation").queryParam("size", 500)
                .when().get("/api/personas/" + persona + "/pairs")
                .then().statusCode(200)
                .body("items.effectiveSplit", everyItem(equalTo("validation")))
                .extract().jsonPath().getInt("total");
        org.junit.jupiter.api.Assertions.assertEquals(120, validation, "10% of 1201 pairs, rounded");
        given().queryParam("split", "nonsense")
                .when().get("/api/personas/" + persona + "/pairs")
                .then().statusCode(400).body("problems[0].field", equalTo("split"));
    }
}
