package dev.personaforge.chat;

import dev.personaforge.common.ForgeConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat pages as served, and the chat form posted without JavaScript. */
@QuarkusTest
class ChatPageTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    private static final Pattern FORM = Pattern.compile("action=\"(/personas/\\d+/chat/[0-9a-f-]+)\"");

    @Inject
    ForgeConfig config;

    @Inject
    ChatSessionService sessions;

    @AfterAll
    static void removeRuns() throws IOException {
        ChatFixtures.deleteRuns();
    }

    private static long persona(String baseModel) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "Page chat " + UUID.randomUUID().toString().substring(0, 8), "baseModel", baseModel,
                        "systemPrompt", "You are 다정한 storyteller."))
                .post("/api/personas").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void pageShowsLabelledColumnsSettingsAndTheForm() throws IOException {
        String model = ChatFixtures.stories260k().toString();
        long personaId = persona(model);
        long runId = ChatFixtures.newRun(config.dataDir(), personaId, model);
        String html = given().get("/personas/" + personaId + "/chat?runs=" + runId).then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("Chat with Page chat"))
                .body(containsString("Base · stories260k"))
                .body(containsString("Tuned · Run #" + runId))
                .body(containsString("name=\"message\""))
                .body(containsString("name=\"temperature\""))
                .body(containsString("You are 다정한 storyteller."))
                .body(containsString("href=\"/chat\""))
                .extract().asString();
        assertTrue(html.indexOf("data-column=\"0\"") < html.indexOf("data-column=\"1\""), "base column first");
        assertTrue(html.indexOf("chat-column base") < html.indexOf("chat-column tuned"), "base on the left");

        given().get("/chat").then().statusCode(200).body(containsString("/personas/" + personaId + "/chat"));
    }

    @Test
    void theFormWorksWithoutJavaScript() {
        long personaId = persona(ChatFixtures.stories260k().toString());
        Response page = given().get("/personas/" + personaId + "/chat");
        page.then().statusCode(200);
        Matcher token = TOKEN.matcher(page.asString());
        Matcher form = FORM.matcher(page.asString());
        assertTrue(token.find() && form.find(), "CSRF token and chat form");

        Response posted = given().cookies(page.getCookies()).redirects().follow(false)
                .formParam("csrf-token", token.group(1))
                .formParam("action", "send").formParam("message", "Tell me about a bird.")
                .formParam("temperature", "0").formParam("maxTokens", "6")
                .post(form.group(1));
        posted.then().statusCode(303);
        String sessionId = form.group(1).substring(form.group(1).lastIndexOf('/') + 1);
        ChatColumn base = sessions.get(sessionId).columns().get(0);
        assertEquals(2, base.history().size());
        given().get(posted.getHeader("Location")).then().statusCode(200)
                .body(containsString("Tell me about a bird."))
                .body(containsString("bubble assistant"));

        given().cookies(page.getCookies()).redirects().follow(false)
                .formParam("csrf-token", token.group(1))
                .formParam("action", "send").formParam("message", "again").formParam("topP", "7")
                .post(form.group(1))
                .then().statusCode(400).body(containsString("topP"));
    }

    @Test
    void missingPersonaRunAndModelAreExplained() {
        given().get("/personas/987654321/chat").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("Persona 987654321 does not exist"))
                .body(not(containsString("Exception")));
        long personaId = persona(ChatFixtures.stories260k().toString());
        given().get("/personas/" + personaId + "/chat?runs=55555555").then().statusCode(404)
                .body(containsString("Run 55555555"));
        long missing = persona("nobody-here/not-downloaded-model");
        given().get("/personas/" + missing + "/chat").then().statusCode(200)
                .body(containsString("nobody-here/not-downloaded-model is not on this machine"));
    }
}
