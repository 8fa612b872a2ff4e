package dev.personaforge.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class OpenApiTest {

    @Test
    void documentsTheJsonApiButNotThePages() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/personas/{personaId}/import"))
                .body(containsString("/api/personas/{personaId}/pairs/bulk-delete"))
                .body(containsString("/api/samples/{key}/load"))
                .body(not(containsString("\"/personas/{id}/edit\"")));
    }

    @Test
    void servesSwaggerUi() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
