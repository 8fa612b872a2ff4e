package dev.personaforge.openai;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.personaforge.openai.OpenAiFixtures.createKey;
import static dev.personaforge.openai.OpenAiFixtures.revokeAllKeys;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys: the JSON API, the settings page, and how keys open and close the OpenAI-compatible API. */
@QuarkusTest
class ApiKeyResourceTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @BeforeEach
    @AfterEach
    void noKeys() {
        revokeAllKeys();
    }

    @Test
    void keysAreCreatedListedWithoutTheKeyAndRevoked() {
        Response created = given().contentType(ContentType.JSON).body(Map.of("name", "  laptop scripts "))
                .post("/api/api-keys");
        created.then().statusCode(201)
                .body("name", equalTo("laptop scripts"))
                .body("createdAt", notNullValue());
        String key = created.jsonPath().getString("key");
        long id = created.jsonPath().getLong("id");
        assertTrue(key.matches("pf-[A-Za-z0-9_-]{43}"), key);
        assertEquals(key.substring(0, 9), created.jsonPath().getString("prefix"));
        assertNotEquals(key, createKey("another"), "every key is new");

        given().get("/api/api-keys").then().statusCode(200)
                .body("name", hasItem("laptop scripts"))
                .body("find { it.id == " + id + " }.prefix", equalTo(key.substring(0, 9)))
                .body("find { it.id == " + id + " }", not(hasKey("key")))
                .body("find { it.id == " + id + " }", not(hasKey("keyHash")))
                .body("find { it.id == " + id + " }.lastUsedAt", nullValue())
                .body(not(containsString(key)));

        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);
        given().get("/api/api-keys").then().body("find { it.id == " + id + " }.lastUsedAt", notNullValue());

        given().delete("/api/api-keys/" + id).then().statusCode(200).body("revoked", equalTo((int) id));
        given().get("/api/api-keys").then().body("id", not(hasItem((int) id)));
        given().delete("/api/api-keys/" + id).then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void aKeyNeedsAName() {
        given().contentType(ContentType.JSON).body(Map.of("name", " ")).post("/api/api-keys").then().statusCode(400)
                .body("problems[0].field", equalTo("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x".repeat(101))).post("/api/api-keys").then()
                .statusCode(400).body("message", containsString("100"));
        given().contentType(ContentType.JSON).body("{}").post("/api/api-keys").then().statusCode(400)
                .body("problems[0].field", equalTo("name"));
    }

    @Test
    void theApiIsOpenWithoutKeysAndNeedsAValidKeyOnceOneExists() {
        given().get("/v1/models").then().statusCode(200);

        String key = createKey("closes the API");
        String other = createKey("stays");
        for (String path : new String[] {"/v1/models", "/v1/models/anything"}) {
            given().get(path).then().statusCode(401)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("invalid_api_key"))
                    .body("error.message", containsString("API key"));
        }
        given().contentType(ContentType.JSON).body(Map.of("model", "m", "messages", "not even checked"))
                .post("/v1/chat/completions").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().contentType(ContentType.JSON).body(Map.of("model", "m", "prompt", "hi"))
                .post("/v1/completions").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Bearer pf-wrong").get("/v1/models").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"))
                .body("error.message", containsString("Incorrect API key"));
        given().header("Authorization", key).get("/v1/models").then().statusCode(401)
                .body("error.message", containsString("Bearer"));
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);
        given().header("Authorization", "bearer " + other).get("/v1/models").then().statusCode(200);
        given().header("Authorization", "Bearer " + key).get("/v1/models/nobody-has-this").then().statusCode(404);

        long id = given().get("/api/api-keys").jsonPath().getLong("find { it.name == 'closes the API' }.id");
        given().delete("/api/api-keys/" + id).then().statusCode(200);
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(401)
                .body("error.message", containsString("revoked"));
        given().header("Authorization", "Bearer " + other).get("/v1/models").then().statusCode(200);

        revokeAllKeys();
        given().get("/v1/models").then().statusCode(200);
    }

    @Test
    void theSettingsPageCreatesAKeyShowsItOnceAndRevokesIt() {
        given().get("/").then().statusCode(200).body(containsString("href=\"/settings/api-keys\""));
        Response page = given().get("/settings/api-keys");
        page.then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("The API is open"))
                .body(containsString("/v1"));
        Matcher token = CSRF.matcher(page.asString());
        assertTrue(token.find(), "the page has a CSRF token");

        Response created = given().cookies(page.getCookies()).formParam("csrf-token", token.group(1))
                .formParam("name", "page key").post("/settings/api-keys");
        created.then().statusCode(200).header("Cache-Control", containsString("no-store"))
                .body(containsString("shown only this once"));
        Matcher shown = Pattern.compile("id=\"new-api-key\">(pf-[A-Za-z0-9_-]{43})<").matcher(created.asString());
        assertTrue(shown.find(), "the new key is on the page");
        String key = shown.group(1);
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);

        Response later = given().get("/settings/api-keys");
        later.then().statusCode(200)
                .body(not(containsString(key)))
                .body(containsString(key.substring(0, 9)))
                .body(containsString("page key"))
                .body(containsString("The API requires a key"));

        long id = given().get("/api/api-keys").jsonPath().getLong("find { it.name == 'page key' }.id");
        Matcher again = CSRF.matcher(later.asString());
        assertTrue(again.find());
        given().cookies(later.getCookies()).formParam("csrf-token", again.group(1)).redirects().follow(false)
                .post("/settings/api-keys/" + id + "/revoke")
                .then().statusCode(303).header("Location", containsString("/settings/api-keys?notice=revoked"));
        given().get("/settings/api-keys?notice=revoked").then().statusCode(200)
                .body(containsString("Key revoked"))
                .body(not(containsString("page key")));
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);

        Response blank = given().get("/settings/api-keys");
        Matcher third = CSRF.matcher(blank.asString());
        assertTrue(third.find());
        given().cookies(blank.getCookies()).formParam("csrf-token", third.group(1)).formParam("name", "")
                .post("/settings/api-keys").then().statusCode(400).body(containsString("name: is required"));
    }
}
