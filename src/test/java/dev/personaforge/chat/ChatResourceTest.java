package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.model.LanguageModel;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat API end to end on the real tiny stories260k model: streaming, errors, concurrency, stop, memory. */
@QuarkusTest
class ChatResourceTest {

    @Inject
    ForgeConfig config;

    @Inject
    ChatSessionService sessions;

    @TestHTTPResource("/")
    URL root;

    private Path model;

    @BeforeEach
    void needsModel() {
        model = ChatFixtures.stories260k();
    }

    @AfterAll
    static void removeRuns() throws IOException {
        ChatFixtures.deleteRuns();
    }

    private long persona(String baseModel) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "Chat " + UUID.randomUUID().toString().substring(0, 8), "baseModel", baseModel,
                        "systemPrompt", "You tell short stories for children."))
                .post("/api/personas").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private long run(long personaId, String baseModel) throws IOException {
        return ChatFixtures.newRun(config.dataDir(), personaId, baseModel);
    }

    private String session(long personaId, List<Long> runIds) {
        return given().contentType(ContentType.JSON).body(Map.of("personaId", personaId, "runIds", runIds))
                .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
    }

    private static Map<String, Object> message(String text, int maxTokens) {
        Map<String, Object> body = new HashMap<>();
        body.put("message", text);
        body.put("temperature", 0);
        body.put("maxTokens", maxTokens);
        return body;
    }

    private static SseEvents send(String sessionId, Map<String, Object> body) {
        String stream = given().contentType(ContentType.JSON).accept("text/event-stream").body(body)
                .post("/api/chat/sessions/" + sessionId + "/messages")
                .then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();
        return SseEvents.parse(stream);
    }

    @Test
    void streamsBaseAndTunedRepliesTogether() throws IOException {
        String base = model.toString();
        long personaId = persona(base);
        long runId = run(personaId, base);
        String id = session(personaId, List.of(runId));
        given().get("/api/chat/sessions/" + id).then().statusCode(200)
                .body("columns.size()", equalTo(2))
                .body("columns[0].kind", equalTo("base"))
                .body("columns[1].kind", equalTo("tuned"))
                .body("columns[1].runId", equalTo(runId))
                .body("columns[1].label", containsString("Run #" + runId))
                .body("systemPrompt", equalTo("You tell short stories for children."));

        SseEvents events = send(id, message("Tell me a story about a little dog.", 20));

        assertEquals("status", events.events().get(0).name(), "a status comes before any token: " + events);
        assertTrue(events.named("status").stream().anyMatch(e -> e.data().get("state").asText().equals("generating")));
        assertTrue(events.named("error").isEmpty(), "no error: " + events);
        for (int column = 0; column < 2; column++) {
            String streamed = events.tokens(column);
            assertFalse(streamed.isEmpty(), "tokens for column " + column);
            SseEvents.Event done = events.done(column);
            assertEquals(streamed, done.data().get("text").asText(), "done text is the streamed text");
            assertTrue(done.data().get("tokens").asInt() > 0 && done.data().get("tokens").asInt() <= 20);
        }
        assertNotEquals(events.tokens(0), events.tokens(1), "the tuned adapter changes the reply");
        int lastToken = events.events().lastIndexOf(events.named("token").get(events.named("token").size() - 1));
        assertTrue(events.events().indexOf(events.done(0)) > lastToken, "done follows the tokens");
    }

    @Test
    void reportsLoadingBeforeTheFirstToken(@org.junit.jupiter.api.io.TempDir Path copy) throws IOException {
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        String id = session(persona(copy.toString()), List.of());
        SseEvents events = send(id, message("Hello", 4));
        assertEquals("status", events.events().get(0).name());
        assertEquals("loading", events.events().get(0).data().get("state").asText());
        assertTrue(events.events().get(0).data().get("message").asText().startsWith("Loading model"));
        events.done(0);
    }

    @Test
    void keepsEachColumnsHistoryAcrossTurns() throws IOException {
        String base = model.toString();
        long personaId = persona(base);
        String id = session(personaId, List.of(run(personaId, base)));
        SseEvents first = send(id, message("Who is Lily?", 8));
        SseEvents second = send(id, message("And her dog?", 8));

        try (LanguageModel lm = LanguageModel.load(model)) {
            for (ChatColumn column : sessions.get(id).columns()) {
                checkTwoTurns(lm, column, first, second);
            }
        }
        given().get("/api/chat/sessions/" + id).then().statusCode(200)
                .body("columns[1].messages.size()", equalTo(4))
                .body("columns[1].messages[2].text", equalTo("And her dog?"));
    }

    /** The column remembers both exchanges, and the second prompt (memory up to the second message) holds the first. */
    private static void checkTwoTurns(LanguageModel lm, ChatColumn column, SseEvents first, SseEvents second) {
        List<ChatMessage> history = column.history();
        String firstReply = first.done(column.index()).data().get("text").asText();
        assertEquals(4, history.size(), "user, reply, user, reply");
        assertEquals("Who is Lily?", ((UserMessage) history.get(0)).singleText());
        assertEquals(firstReply, ((AiMessage) history.get(1)).text());
        assertEquals("And her dog?", ((UserMessage) history.get(2)).singleText());
        assertEquals(second.done(column.index()).data().get("text").asText(), ((AiMessage) history.get(3)).text());

        List<ChatMessage> secondPrompt = column.memory().messages().subList(0, 4);
        String rendered = lm.chatTemplate().render(Messages.toEngine(secondPrompt), true);
        assertTrue(rendered.contains("User: Who is Lily?\nAssistant: " + firstReply),
                "second turn's prompt holds the first exchange: " + rendered);
        assertTrue(second.done(column.index()).data().get("promptTokens").asInt()
                > first.done(column.index()).data().get("promptTokens").asInt() + 3, "the second prompt is longer");
    }

    @Test
    void regeneratesAndClears() {
        long personaId = persona(model.toString());
        String id = session(personaId, List.of());
        send(id, message("Once upon a time", 6));
        String regenerated = given().contentType(ContentType.JSON).body(Map.of("temperature", 1.0, "seed", 5))
                .post("/api/chat/sessions/" + id + "/regenerate").then().statusCode(200).extract().asString();
        SseEvents events = SseEvents.parse(regenerated);
        events.done(0);
        assertEquals(2, sessions.get(id).columns().get(0).history().size(), "the old reply is replaced, not added");
        assertEquals(5, sessions.get(id).settings().seed(), "a seed given with regenerate is used");
        SseEvents.parse(given().contentType(ContentType.JSON).body("{}")
                .post("/api/chat/sessions/" + id + "/regenerate").then().statusCode(200).extract().asString()).done(0);
        assertEquals(6, sessions.get(id).settings().seed(), "without one the seed moves on, so sampling differs");

        given().contentType(ContentType.JSON).body("{}").post("/api/chat/sessions/" + id + "/clear")
                .then().statusCode(200).body("columns[0].messages.size()", equalTo(0))
                .body("systemPrompt", equalTo("You tell short stories for children."));
        given().contentType(ContentType.JSON).body("{}").post("/api/chat/sessions/" + id + "/regenerate")
                .then().statusCode(400).body("problems.field", hasItem("regenerate"));
    }

    @Test
    void koreanTextStreamsIntact() {
        String id = session(persona(model.toString()), List.of());
        SseEvents events = send(id, message("안녕하세요! 오늘 기분이 어때요? 이야기를 들려주세요.", 12));
        assertTrue(events.named("error").isEmpty(), events.toString());
        String text = events.done(0).data().get("text").asText();
        assertEquals(events.tokens(0), text);
        assertFalse(text.contains("\uFFFD"), "no broken characters");
        given().get("/api/chat/sessions/" + id).then()
                .body("columns[0].messages[0].text", equalTo("안녕하세요! 오늘 기분이 어때요? 이야기를 들려주세요."));
    }

    @Test
    void unknownPersonaRunAndSessionAre404s() {
        given().contentType(ContentType.JSON).body(Map.of("personaId", 987654321))
                .post("/api/chat/sessions").then().statusCode(404)
                .body("error", equalTo("not_found")).body("message", containsString("Persona 987654321"));
        long personaId = persona(model.toString());
        given().contentType(ContentType.JSON).body(Map.of("personaId", personaId, "runIds", List.of(123456789)))
                .post("/api/chat/sessions").then().statusCode(404)
                .body("message", containsString("Run 123456789"));
        given().get("/api/chat/sessions/no-such-chat").then().statusCode(404)
                .body("message", containsString("no-such-chat"));
        given().contentType(ContentType.JSON).body(message("hi", 4))
                .post("/api/chat/sessions/no-such-chat/messages").then().statusCode(404)
                .body("message", containsString("no-such-chat"));
        given().get("/api/chat/personas/987654321/models").then().statusCode(404);
    }

    @Test
    void aBaseModelNotOnThisMachineIsExplained() {
        String id = session(persona("nobody-here/not-downloaded-model"), List.of());
        given().get("/api/chat/sessions/" + id).then().body("modelStatus.state", equalTo("NOT_INSTALLED"));
        given().contentType(ContentType.JSON).body(message("hi", 4))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(409)
                .body("error", equalTo("model_not_installed"))
                .body("message", containsString("nobody-here/not-downloaded-model is not on this machine"))
                .body("message", containsString("Download it on the Models page"));
    }

    @Test
    void badSamplingValuesAre400sNamingTheField() {
        String id = session(persona(model.toString()), List.of());
        Object[][] cases = {{"temperature", -0.5}, {"topP", 0}, {"topP", 1.5}, {"maxTokens", 0},
                {"maxTokens", ChatSettings.MAX_TOKENS_LIMIT + 1}};
        for (Object[] c : cases) {
            Map<String, Object> body = message("hi", 4);
            body.put((String) c[0], c[1]);
            given().contentType(ContentType.JSON).body(body).post("/api/chat/sessions/" + id + "/messages")
                    .then().statusCode(400).body("problems.field", hasItem(c[0]));
            given().contentType(ContentType.JSON).body(Map.of((String) c[0], c[1]))
                    .put("/api/chat/sessions/" + id + "/settings").then().statusCode(400)
                    .body("problems.field", hasItem(c[0]));
        }
        given().contentType(ContentType.JSON).body(Map.of("message", " "))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(400)
                .body("problems.field", hasItem("message"));
        given().contentType(ContentType.JSON).body(Map.of("temperature", 0.3, "topP", 0.8, "maxTokens", 64, "seed", 9))
                .put("/api/chat/sessions/" + id + "/settings").then().statusCode(200)
                .body("settings.temperature", equalTo(0.3f)).body("settings.maxTokens", equalTo(64));
        long personaId = sessions.get(id).personaId();
        given().contentType(ContentType.JSON).body(Map.of("personaId", personaId, "runIds", List.of(1, 2, 3)))
                .post("/api/chat/sessions").then().statusCode(400).body("problems.field", hasItem("runIds"));
    }

    @Test
    void twoChatsAtOnceBothComplete() throws Exception {
        String base = model.toString();
        long personaId = persona(base);
        long runId = run(personaId, base);
        String a = session(personaId, List.of(runId));
        String b = session(personaId, List.of());
        CompletableFuture<SseEvents> first = CompletableFuture.supplyAsync(() -> send(a, message("A cat", 24)));
        CompletableFuture<SseEvents> second = CompletableFuture.supplyAsync(() -> send(b, message("A dog", 24)));
        SseEvents ea = first.get(60, TimeUnit.SECONDS);
        SseEvents eb = second.get(60, TimeUnit.SECONDS);
        ea.done(0);
        ea.done(1);
        eb.done(0);
        assertTrue(ea.named("error").isEmpty() && eb.named("error").isEmpty(), ea + " / " + eb);
    }

    @Test
    void stopEndsTheStreamWithCancelled() throws Exception {
        String id = session(persona(model.toString()), List.of());
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(root.toString()).resolve("/api/chat/sessions/" + id + "/messages"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"message\":\"Once upon a time\",\"temperature\":1.0,\"seed\":3,\"maxTokens\":400}")).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        StringBuilder body = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean stopped = false;
            while ((line = reader.readLine()) != null) {
                body.append(line).append('\n');
                if (!stopped && line.startsWith("event:") && line.contains("token")) {
                    given().contentType(ContentType.JSON).body("{}").post("/api/chat/sessions/" + id + "/stop")
                            .then().statusCode(200).body("stopped", equalTo(true));
                    stopped = true;
                }
            }
        }
        SseEvents events = SseEvents.parse(body.toString());
        SseEvents.Event done = events.done(0);
        assertEquals("CANCELLED", done.data().get("finishReason").asText(), events.toString());
        assertTrue(done.data().get("tokens").asInt() < 400);
        assertFalse(sessions.get(id).generating(), "the chat is free again");
        given().contentType(ContentType.JSON).body("{}").post("/api/chat/sessions/" + id + "/stop")
                .then().statusCode(200).body("stopped", equalTo(false));
    }
}
