package dev.personaforge.run;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.start;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Trains on the packaged application (the jar users run), where class loading differs from the tests' JVM:
 * the engine's native libraries and their logging must load there too.
 */
@QuarkusIntegrationTest
class PackagedAppIT {

    @Test
    void thePackagedAppLoadsTheEngineAndTrains() {
        long persona = storyPersona(12);
        long run = start(persona, settings("epochs", 2));
        assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), Duration.ofMinutes(5)),
                () -> given().get("/api/runs/" + run).asString());
        given().get("/personas/" + persona).then().statusCode(200).body(containsString("Fine-tuning"));
        given().get("/runs/" + run).then().statusCode(200).body(containsString("Did it learn the persona?"));
    }
}
