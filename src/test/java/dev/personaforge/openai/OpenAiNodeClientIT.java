package dev.personaforge.openai;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.personaforge.openai.OpenAiFixtures.createKey;
import static dev.personaforge.openai.OpenAiFixtures.loraPersona;
import static dev.personaforge.openai.OpenAiFixtures.revokeAllKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official {@code openai} npm client against the packaged application: {@code frontend/scripts/openai-client-check.mjs}
 * lists models, chats (plain and streamed), completes text and checks the errors, with an API key and a persona's
 * tuned model. Its output is shown in the test log.
 */
@QuarkusIntegrationTest
class OpenAiNodeClientIT {

    private static final Path FRONTEND = Path.of("frontend").toAbsolutePath();

    @AfterEach
    void openApi() {
        revokeAllKeys();
    }

    @Test
    void theOfficialOpenAiNodeClientWorksAgainstThePackagedApp() throws IOException, InterruptedException {
        assumeTrue(Files.isDirectory(FRONTEND.resolve("node_modules/openai")),
                "frontend/node_modules/openai is missing: run `npm ci` in frontend/ (the Maven build does unless -Dskip.npm)");
        OpenAiFixtures.TunedPersona persona = loraPersona();
        String key = createKey("node client check");
        String baseUrl = "http://localhost:" + RestAssured.port + "/v1";

        Process node = new ProcessBuilder(List.of("node", "scripts/openai-client-check.mjs", baseUrl, persona.slug(), key))
                .directory(FRONTEND.toFile()).redirectErrorStream(true).start();
        boolean ended = node.waitFor(5, TimeUnit.MINUTES);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("openai-client-check.mjs:\n" + output);
        if (!ended) {
            node.destroyForcibly();
        }
        assertTrue(ended, "the check ended within 5 minutes:\n" + output);
        assertEquals(0, node.exitValue(), "the openai client check failed:\n" + output);
        assertTrue(output.contains("OK: the openai client works"), output);
    }
}
