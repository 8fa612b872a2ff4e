package dev.personaforge.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The training panel and run page with the partial methods: method choice, layers to train, trained parameters. */
@QuarkusTest
class PartialTrainingPagesTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private static long storyPersona() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping the partial training page tests");
        long persona = createPersona(Map.of("name", uniqueName("Partial pages"), "baseModel", model.toString(),
                "systemPrompt", ""));
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            file.append("{\"prompt\":\"Tell me about toy ").append(i).append(".\",\"completion\":\"Toy ").append(i)
                    .append(" was red.\"}\n");
        }
        dev.personaforge.api.ApiFixtures.importText(persona, "toys.jsonl", file.toString(), false).then().statusCode(200);
        return persona;
    }

    /** A form post from the persona page, with its CSRF cookie and token. */
    private static RequestSpecification form(long persona) {
        Response page = given().get("/personas/" + persona);
        page.then().statusCode(200);
        Matcher m = TOKEN.matcher(page.asString());
        assertTrue(m.find());
        return given().cookies(page.getCookies()).redirects().follow(false).formParam("csrf-token", m.group(1));
    }

    @Test
    void thePanelOffersEveryMethodWithHelpAndTheLayersField() {
        long persona = storyPersona();
        given().get("/personas/" + persona).then().statusCode(200)
                .body(containsString("<option value=\"top-layers\""))
                .body(containsString("<option value=\"feature-extraction\""))
                .body(containsString("id=\"topLayers\" name=\"topLayers\""))
                .body(containsString("Layers to train"))
                .body(containsString("from 1 to the base model's number of layers"))
                .body(containsString("92.5 K of 260 K parameters (35.6 %)"));
    }

    @Test
    void theEstimateShowsTrainedParametersPerMethodAndRefusesTooManyLayers() {
        long persona = storyPersona();
        form(persona).formParam("action", "estimate").formParam("preset", "balanced").formParam("method", "top-layers")
                .formParam("topLayers", "2").post("/personas/" + persona + "/runs")
                .then().statusCode(200).body(containsString("90.9 K of 260 K parameters (35.0 %)"));
        form(persona).formParam("action", "estimate").formParam("preset", "feature-extraction")
                .formParam("method", "feature-extraction").post("/personas/" + persona + "/runs")
                .then().statusCode(200).body(containsString("32.8 K of 260 K parameters (12.6 %)"));
        form(persona).formParam("action", "start").formParam("preset", "balanced").formParam("method", "top-layers")
                .formParam("topLayers", "9").post("/personas/" + persona + "/runs")
                .then().statusCode(400).body(containsString("topLayers")).body(containsString("between 1 and 5"));
        given().get("/api/personas/" + persona + "/runs").then().body("size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void theRunPageShowsTheMethodAndHowManyParametersTrain() {
        long persona = storyPersona();
        String location = form(persona).formParam("action", "start").formParam("preset", "quick")
                .formParam("method", "top-layers").formParam("topLayers", "1").formParam("epochs", "1")
                .post("/personas/" + persona + "/runs").then().statusCode(303).extract().header("Location");
        given().get(location).then().statusCode(200)
                .body(containsString("top 1 layer"))
                .body(containsString("Trains 45.5 K of 260 K parameters (17.5 %)"));
        long run = Long.parseLong(location.replaceAll(".*/runs/(\\d+).*", "$1"));
        given().contentType("application/json").post("/api/runs/" + run + "/cancel").then().statusCode(200);
    }
}
