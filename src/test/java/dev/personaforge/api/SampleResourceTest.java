package dev.personaforge.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class SampleResourceTest {

    @Test
    void listsTheThreeSamples() {
        given().when().get("/api/samples").then().statusCode(200)
                .body("$", hasSize(3))
                .body("key", hasItems("gyeongsang-auntie", "brightline-support", "socratic-tutor"));
    }

    @Test
    void loadsEachSampleWithAllItsPairsAndACleanReport() {
        for (String key : new String[]{"gyeongsang-auntie", "brightline-support", "socratic-tutor"}) {
            long id = given().contentType(ContentType.JSON).when().post("/api/samples/" + key + "/load")
                    .then().statusCode(201)
                    .body("pairCount", greaterThanOrEqualTo(60))
                    .extract().jsonPath().getLong("id");
            given().when().get("/api/personas/" + id + "/stats").then().statusCode(200)
                    .body("usable", greaterThanOrEqualTo(60))
                    .body("warnings.findAll { it.severity == 'ERROR' }", hasSize(0));
        }
    }

    @Test
    void loadingASampleTwiceKeepsNamesUnique() {
        String first = given().contentType(ContentType.JSON).when().post("/api/samples/socratic-tutor/load")
                .then().statusCode(201).extract().jsonPath().getString("name");
        given().contentType(ContentType.JSON).when().post("/api/samples/socratic-tutor/load")
                .then().statusCode(201)
                .body("name", startsWith("Professor Quill ("));
        org.junit.jupiter.api.Assertions.assertTrue(first.startsWith("Professor Quill"), first);
    }

    @Test
    void theKoreanSampleIsInDialect() {
        long id = given().contentType(ContentType.JSON).when().post("/api/samples/gyeongsang-auntie/load")
                .then().statusCode(201).body("language", equalTo("ko")).extract().jsonPath().getLong("id");
        given().queryParam("q", "아이가").when().get("/api/personas/" + id + "/pairs").then()
                .body("items[0].completion", containsString("아이가"));
    }

    @Test
    void unknownSampleIs404() {
        given().contentType(ContentType.JSON).when().post("/api/samples/nope/load").then().statusCode(404)
                .body("message", containsString("nope"));
    }
}
