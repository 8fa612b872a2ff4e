package dev.personaforge.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.personaforge.api.ApiFixtures.addPair;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class WebPagesTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    /** A CSRF cookie and the matching form token, as a browser gets them from any page with a form. */
    private record Csrf(Map<String, String> cookies, String token) {
    }

    private static Csrf csrf(String page) {
        Response response = given().when().get(page);
        response.then().statusCode(200);
        Matcher m = TOKEN.matcher(response.asString());
        org.junit.jupiter.api.Assertions.assertTrue(m.find(), "page " + page + " has a CSRF token field");
        return new Csrf(response.getCookies(), m.group(1));
    }

    @Test
    void homePageListsPersonasAndSamples() {
        String name = uniqueName("Listed");
        createPersona(name);
        given().when().get("/").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString(name))
                .body(containsString("Sample personas"))
                .body(containsString("/assets/app.js"));
    }

    @Test
    void createsAPersonaThroughTheFormWithTheCsrfToken() {
        Csrf csrf = csrf("/personas/new");
        String name = uniqueName("Form made");
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", csrf.token())
                .formParam("name", name)
                .formParam("baseModel", "HuggingFaceTB/SmolLM2-135M-Instruct")
                .formParam("language", "en")
                .when().post("/personas")
                .then().statusCode(303)
                .header("Location", containsString("/personas/"));
        given().when().get("/").then().body(containsString(name));
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRejected() {
        String name = uniqueName("Forged");
        given().redirects().follow(false)
                .formParam("name", name)
                .formParam("baseModel", "HuggingFaceTB/SmolLM2-135M-Instruct")
                .when().post("/personas")
                .then().statusCode(400);
        Csrf csrf = csrf("/personas/new");
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", "not-the-token")
                .formParam("name", name)
                .formParam("baseModel", "HuggingFaceTB/SmolLM2-135M-Instruct")
                .when().post("/personas")
                .then().statusCode(400);
        given().when().get("/").then().body(not(containsString(name)));
    }

    @Test
    void aRejectedFormShowsTheProblemAndKeepsWhatWasTyped() {
        Csrf csrf = csrf("/personas/new");
        given().cookies(csrf.cookies())
                .formParam("csrf-token", csrf.token())
                .formParam("name", "")
                .formParam("systemPrompt", "Keep this text")
                .formParam("baseModel", "no good")
                .when().post("/personas")
                .then().statusCode(400)
                .body(containsString("Name is required"))
                .body(containsString("Keep this text"))
                .body(containsString("neither a Hugging Face model id"));
    }

    @Test
    void personaNamesAndPairTextsAreEscaped() {
        String script = "<script>alert('pf')</script>";
        long persona = createPersona(Map.of("name", uniqueName(script), "baseModel", "HuggingFaceTB/SmolLM2-135M-Instruct",
                "systemPrompt", script));
        addPair(persona, script, "<img src=x onerror=alert(1)>");
        for (String page : new String[]{"/", "/personas/" + persona}) {
            given().when().get(page).then().statusCode(200)
                    .body(not(containsString(script)))
                    .body(not(containsString("<img src=x")))
                    .body(containsString("&lt;script&gt;alert("));
        }
    }

    @Test
    void personaPageShowsCountsSplitAndPairs() {
        long persona = createPersona(uniqueName("Shown"));
        addPair(persona, "How are you?", "Grand, thanks!");
        given().when().get("/personas/" + persona).then().statusCode(200)
                .body(containsString("Grand, thanks!"))
                .body(containsString("data-count=\"total\">1<"))
                .body(containsString("Training needs at least 10 pairs"));
    }

    @Test
    void unknownPersonaAndPairShowA404PageNotAStackTrace() {
        given().when().get("/personas/999999").then().statusCode(404)
                .contentType(containsString("text/html"))
                .body(containsString("Persona 999999 does not exist"))
                .body(not(containsString("Exception")));
        long persona = createPersona(uniqueName("Has no such pair"));
        given().when().get("/personas/" + persona + "/pairs/999999/edit").then().statusCode(404)
                .body(containsString("does not exist"));
        given().when().get("/no/such/page").then().statusCode(404).contentType(containsString("text/html"));
    }

    @Test
    void addsEditsAndDeletesPairsAndPersonasThroughForms() {
        long persona = createPersona(uniqueName("Forms"));
        Csrf csrf = csrf("/personas/" + persona);
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", csrf.token())
                .formParam("prompt", "Form prompt").formParam("completion", "Form completion")
                .formParam("tags", "a, b").formParam("split", "train")
                .when().post("/personas/" + persona + "/pairs")
                .then().statusCode(303);
        long pairId = given().when().get("/api/personas/" + persona + "/pairs").then()
                .extract().jsonPath().getLong("items[0].id");
        given().when().get("/personas/" + persona + "/pairs/" + pairId + "/edit").then().statusCode(200)
                .body(containsString("Form completion"));
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", csrf.token())
                .formParam("prompt", "Form prompt").formParam("completion", "Edited completion")
                .formParam("tags", "").formParam("split", "auto")
                .when().post("/personas/" + persona + "/pairs/" + pairId)
                .then().statusCode(303);
        given().when().get("/api/personas/" + persona + "/pairs/" + pairId).then()
                .body("completion", org.hamcrest.Matchers.equalTo("Edited completion"));
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", csrf.token())
                .formParam("ids", pairId)
                .when().post("/personas/" + persona + "/pairs/bulk-delete")
                .then().statusCode(303);
        given().when().get("/api/personas/" + persona + "/pairs").then().body("total", org.hamcrest.Matchers.equalTo(0));

        given().when().get("/personas/" + persona + "/delete").then().statusCode(200)
                .body(containsString("cannot be undone"));
        given().cookies(csrf.cookies()).redirects().follow(false)
                .formParam("csrf-token", csrf.token())
                .when().post("/personas/" + persona + "/delete")
                .then().statusCode(303).header("Location", endsWith("/?notice=deleted"));
        given().when().get("/api/personas/" + persona).then().statusCode(404);
    }
}
