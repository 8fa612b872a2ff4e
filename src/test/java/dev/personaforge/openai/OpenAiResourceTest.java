package dev.personaforge.openai;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.chat.ModelGate;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static dev.personaforge.openai.OpenAiFixtures.baseId;
import static dev.personaforge.openai.OpenAiFixtures.fullPersona;
import static dev.personaforge.openai.OpenAiFixtures.loraPersona;
import static dev.personaforge.openai.OpenAiFixtures.revokeAllKeys;
import static dev.personaforge.openai.OpenAiFixtures.stories260k;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI-compatible API over REST: every endpoint, its answers on the real stories260k model, and its errors. */
@QuarkusTest
class OpenAiResourceTest {

    static final String CAT = "Tell me about the cat.";

    @Inject
    GenerationCapacity capacity;

    @Inject
    BaseModelRegistry registry;

    @BeforeEach
    @AfterEach
    void openApi() {
        revokeAllKeys();
    }

    static Map<String, Object> chat(String model, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", CAT))));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    static ValidatableResponse post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    static JsonPath ok(String path, Object body) {
        return post(path, body).statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    static String stream(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(path)
                .then().statusCode(200).contentType(containsString("text/event-stream")).extract().asString();
    }

    // ---- models ----

    @Test
    void modelsListPersonasTheirRunsAndBaseModels() {
        OpenAiFixtures.TunedPersona persona = loraPersona();
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems(persona.slug(), persona.slug() + "@" + persona.runId(), baseId()))
                .body("data.object", everyItemIs("model"))
                .body("data.find { it.id == '" + persona.slug() + "' }.owned_by", equalTo(persona.slug()))
                .body("data.find { it.id == '" + persona.slug() + "' }.created", greaterThan(0));
        given().get("/v1/models/" + persona.slug()).then().statusCode(200)
                .body("id", equalTo(persona.slug())).body("object", equalTo("model")).body("owned_by", equalTo(persona.slug()));
        given().get("/v1/models/" + persona.slug() + "@" + persona.runId()).then().statusCode(200)
                .body("id", equalTo(persona.slug() + "@" + persona.runId()));
        given().get("/v1/models/" + baseId()).then().statusCode(200)
                .body("id", equalTo(baseId())).body("owned_by", equalTo("persona-forge"));
        given().get("/v1/models/nobody-has-this-slug").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("model"))
                .body("error.message", containsString("nobody-has-this-slug"));
    }

    @Test
    void aPersonaWhoseBaseModelDirectoryIsGoneDoesNotBreakTheList() throws java.io.IOException {
        java.nio.file.Path gone = java.nio.file.Files.createTempDirectory("gone-model");
        createPersona(Map.of("name", uniqueName("Orphan"), "baseModel", gone.toString()));
        java.nio.file.Files.delete(gone);
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", org.hamcrest.Matchers.not(hasItem("base:" + gone)));
    }

    private static org.hamcrest.Matcher<Iterable<? extends Object>> everyItemIs(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }

    // ---- chat completions ----

    @Test
    void chatCompletionAnswersInOpenAisShapeAndIsSeeded() {
        JsonPath r = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 3, "temperature", 0));
        assertTrue(r.getString("id").startsWith("chatcmpl-"));
        assertEquals("chat.completion", r.getString("object"));
        assertEquals(baseId(), r.getString("model"));
        assertEquals("assistant", r.getString("choices[0].message.role"));
        assertEquals(0, r.getInt("choices[0].index"));
        assertNull(r.get("choices[0].logprobs"));
        int completion = r.getInt("usage.completion_tokens");
        assertEquals(completion == 3 ? "length" : "stop", r.getString("choices[0].finish_reason"));
        assertTrue(completion <= 3 && completion > 0, "completion tokens " + completion);
        assertEquals(r.getInt("usage.prompt_tokens") + completion, r.getInt("usage.total_tokens"));

        Map<String, Object> sampled = chat(baseId(), "max_completion_tokens", 12, "temperature", 1.2, "top_p", 0.95,
                "seed", 7);
        String first = ok("/v1/chat/completions", sampled).getString("choices[0].message.content");
        assertEquals(first, ok("/v1/chat/completions", sampled).getString("choices[0].message.content"),
                "the same seed gives the same answer");
        assertTrue(ok("/v1/chat/completions", sampled).getInt("usage.completion_tokens") <= 12);
    }

    @Test
    void aPersonaModelAnswersWithItsRunsSystemPromptUnlessTheRequestHasOne() {
        OpenAiFixtures.TunedPersona persona = loraPersona();
        JsonPath tuned = ok("/v1/chat/completions", chat(persona.slug(), "max_tokens", 4, "temperature", 0));
        JsonPath base = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 4, "temperature", 0));
        assertEquals(persona.slug(), tuned.getString("model"));
        assertFalse(tuned.getString("choices[0].message.content").isEmpty());
        assertTrue(tuned.getInt("usage.prompt_tokens") > base.getInt("usage.prompt_tokens") + 5,
                "the persona's system prompt is in the prompt: " + tuned.getInt("usage.prompt_tokens") + " vs "
                        + base.getInt("usage.prompt_tokens"));

        List<Map<String, String>> own = List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", CAT));
        Map<String, Object> withSystem = chat(persona.slug(), "max_tokens", 4, "temperature", 0, "messages", own);
        Map<String, Object> baseWithSystem = chat(baseId(), "max_tokens", 4, "temperature", 0, "messages", own);
        assertEquals(ok("/v1/chat/completions", baseWithSystem).getInt("usage.prompt_tokens"),
                ok("/v1/chat/completions", withSystem).getInt("usage.prompt_tokens"),
                "a request's own system message replaces the persona's");

        String pinned = persona.slug() + "@" + persona.runId();
        assertEquals(tuned.getString("choices[0].message.content"),
                ok("/v1/chat/completions", chat(pinned, "max_tokens", 4, "temperature", 0)).getString("choices[0].message.content"),
                "the slug is the latest successful run");
    }

    @Test
    void aFullyFineTunedRunAnswersWithItsOwnWeights() {
        OpenAiFixtures.TunedPersona persona = fullPersona();
        JsonPath r = ok("/v1/chat/completions", chat(persona.slug() + "@" + persona.runId(), "max_tokens", 4, "temperature", 0));
        assertFalse(r.getString("choices[0].message.content").isEmpty());
        assertEquals(persona.slug() + "@" + persona.runId(), r.getString("model"));
    }

    @Test
    void streamedChatSendsTheRoleFirstThenDeltasThenTheFinishReasonUsageAndDone() {
        Map<String, Object> body = chat(baseId(), "max_tokens", 10, "temperature", 0);
        JsonPath whole = ok("/v1/chat/completions", body);

        body.put("stream", true);
        body.put("stream_options", Map.of("include_usage", true));
        String raw = stream("/v1/chat/completions", body);
        assertTrue(raw.startsWith("data: {"), raw);
        assertTrue(raw.endsWith("data: [DONE]\n\n"), raw);
        OpenAiFixtures.Events events = OpenAiFixtures.Events.parse(raw);
        assertTrue(events.done());
        List<JsonPath> chunks = events.chunks();
        JsonPath first = chunks.get(0);
        assertEquals("chat.completion.chunk", first.getString("object"));
        assertEquals("assistant", first.getString("choices[0].delta.role"));
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonPath chunk : chunks.subList(0, chunks.size() - 1)) {
            assertEquals(first.getString("id"), chunk.getString("id"));
            assertNull(chunk.get("usage"));
            assertEquals(1, chunk.getList("choices").size());
            text.append(chunk.getString("choices[0].delta.content") == null ? "" : chunk.getString("choices[0].delta.content"));
            if (chunk.get("choices[0].finish_reason") != null) {
                finish = chunk.getString("choices[0].finish_reason");
            }
        }
        assertEquals(whole.getString("choices[0].message.content"), text.toString());
        assertEquals(whole.getString("choices[0].finish_reason"), finish);
        JsonPath usage = chunks.get(chunks.size() - 1);
        assertEquals(0, usage.getList("choices").size());
        assertEquals(whole.getInt("usage.completion_tokens"), usage.getInt("usage.completion_tokens"));
        assertEquals(whole.getInt("usage.total_tokens"), usage.getInt("usage.total_tokens"));

        body.remove("stream_options");
        OpenAiFixtures.Events plain = OpenAiFixtures.Events.parse(stream("/v1/chat/completions", body));
        assertTrue(plain.chunks().stream().noneMatch(c -> c.getMap("$").containsKey("usage")),
                "no usage without stream_options.include_usage");
    }

    @Test
    void chatLogprobsListEachTokenWithTheMostLikelyAlternatives() {
        JsonPath r = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 6, "temperature", 0, "logprobs", true,
                "top_logprobs", 3));
        List<Map<String, Object>> content = r.getList("choices[0].logprobs.content");
        int tokens = r.getInt("usage.completion_tokens");
        boolean eos = r.getString("choices[0].finish_reason").equals("stop");
        assertEquals(eos ? tokens - 1 : tokens, content.size());
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            String at = "choices[0].logprobs.content[" + i + "]";
            double logprob = r.getDouble(at + ".logprob");
            assertTrue(logprob <= 0, "log-probability " + logprob);
            assertEquals(3, r.getList(at + ".top_logprobs").size());
            // Greedy: the chosen token is the most likely one.
            assertEquals(r.getString(at + ".token"), r.getString(at + ".top_logprobs[0].token"));
            assertEquals(logprob, r.getDouble(at + ".top_logprobs[0].logprob"), 1e-6);
            assertTrue(r.getDouble(at + ".top_logprobs[1].logprob") <= logprob);
            assertEquals(r.getString(at + ".token").getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                    r.getList(at + ".bytes").size());
            joined.append(r.getString(at + ".token"));
        }
        assertEquals(r.getString("choices[0].message.content").strip(), joined.toString().strip());

        Map<String, Object> streamed = chat(baseId(), "max_tokens", 6, "temperature", 0, "logprobs", true, "stream", true);
        List<Object> streamedEntries = new ArrayList<>();
        for (JsonPath chunk : OpenAiFixtures.Events.parse(stream("/v1/chat/completions", streamed)).chunks()) {
            List<Object> part = chunk.getList("choices[0].logprobs.content");
            if (part != null) {
                streamedEntries.addAll(part);
            }
        }
        assertEquals(content.size(), streamedEntries.size(), "the stream lists the same tokens");
    }

    @Test
    void stopStringsAndMaxTokensEndTheAnswer() {
        JsonPath full = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 30, "temperature", 0));
        String text = full.getString("choices[0].message.content");
        String[] words = text.strip().split("\\s+");
        assertTrue(words.length >= 3, "a long enough answer to cut: " + text);
        String stop = " " + words[2];
        int cut = text.indexOf(stop);
        JsonPath stopped = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 30, "temperature", 0, "stop", List.of(stop, "zzzz")));
        assertEquals(text.substring(0, cut), stopped.getString("choices[0].message.content"));
        assertEquals("stop", stopped.getString("choices[0].finish_reason"));
        JsonPath single = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 30, "temperature", 0, "stop", stop));
        assertEquals(text.substring(0, cut), single.getString("choices[0].message.content"));

        JsonPath shortAnswer = ok("/v1/chat/completions", chat(baseId(), "max_tokens", 2, "temperature", 0));
        assertEquals(2, shortAnswer.getInt("usage.completion_tokens"));
        assertEquals("length", shortAnswer.getString("choices[0].finish_reason"));
        assertTrue(text.startsWith(shortAnswer.getString("choices[0].message.content").strip()));
    }

    // ---- text completions ----

    @Test
    void textCompletionsContinueARawPromptWithEchoLogprobsAndStreaming() {
        Map<String, Object> body = new HashMap<>(Map.of("model", baseId(), "prompt", "Once upon a time", "max_tokens", 6,
                "temperature", 0));
        JsonPath r = ok("/v1/completions", body);
        assertTrue(r.getString("id").startsWith("cmpl-"));
        assertEquals("text_completion", r.getString("object"));
        String text = r.getString("choices[0].text");
        assertFalse(text.isEmpty());
        assertNull(r.get("choices[0].logprobs"));
        assertEquals(r.getInt("usage.completion_tokens") == 6 ? "length" : "stop", r.getString("choices[0].finish_reason"));

        Map<String, Object> echoed = new HashMap<>(body);
        echoed.put("echo", true);
        echoed.put("prompt", List.of("Once upon a time"));
        assertEquals("Once upon a time" + text, ok("/v1/completions", echoed).getString("choices[0].text"));

        Map<String, Object> withLogprobs = new HashMap<>(body);
        withLogprobs.put("logprobs", 2);
        JsonPath lp = ok("/v1/completions", withLogprobs);
        List<String> tokens = lp.getList("choices[0].logprobs.tokens");
        List<Float> values = lp.getList("choices[0].logprobs.token_logprobs");
        List<Map<String, Float>> tops = lp.getList("choices[0].logprobs.top_logprobs");
        List<Integer> offsets = lp.getList("choices[0].logprobs.text_offset");
        assertEquals(tokens.size(), values.size());
        assertEquals(tokens.size(), tops.size());
        assertEquals(tokens.size(), offsets.size());
        assertEquals(0, offsets.get(0));
        for (int i = 0; i < tokens.size(); i++) {
            assertTrue(values.get(i) <= 0);
            assertTrue(tops.get(i).size() >= 1 && tops.get(i).size() <= 3, "top_logprobs " + tops.get(i));
            assertTrue(tops.get(i).containsKey(tokens.get(i)), "the chosen token is listed");
            if (i > 0) {
                assertTrue(offsets.get(i) >= offsets.get(i - 1));
            }
        }
        assertEquals(text.strip(), String.join("", tokens).strip());

        Map<String, Object> streamed = new HashMap<>(body);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        OpenAiFixtures.Events events = OpenAiFixtures.Events.parse(stream("/v1/completions", streamed));
        assertTrue(events.done());
        StringBuilder joined = new StringBuilder();
        String finish = null;
        for (JsonPath chunk : events.chunks()) {
            assertEquals("text_completion", chunk.getString("object"));
            if (!chunk.getList("choices").isEmpty()) {
                joined.append(chunk.getString("choices[0].text"));
                finish = chunk.get("choices[0].finish_reason") == null ? finish : chunk.getString("choices[0].finish_reason");
            }
        }
        assertEquals(text, joined.toString());
        assertEquals(r.getString("choices[0].finish_reason"), finish);
        assertEquals(r.getInt("usage.total_tokens"), events.chunks().get(events.chunks().size() - 1).getInt("usage.total_tokens"));
    }

    @Test
    void textCompletionsDefaultToSixteenTokens() {
        JsonPath r = ok("/v1/completions", Map.of("model", baseId(), "prompt", "Once upon a time", "temperature", 0));
        assertTrue(r.getInt("usage.completion_tokens") <= 16);
    }

    // ---- errors ----

    @Test
    void badChatParametersAre400sNamingTheParameter() {
        String model = "any-model";
        Object[][] cases = {
                {chat(model, "temperature", 2.5), "temperature"},
                {chat(model, "temperature", -0.1), "temperature"},
                {chat(model, "temperature", "hot"), "temperature"},
                {chat(model, "top_p", 1.5), "top_p"},
                {chat(model, "logprobs", true, "top_logprobs", 21), "top_logprobs"},
                {chat(model, "top_logprobs", 2), "top_logprobs"},
                {chat(model, "logprobs", "yes"), "logprobs"},
                {chat(model, "n", 2), "n"},
                {chat(model, "n", 0), "n"},
                {chat(model, "max_tokens", 0), "max_tokens"},
                {chat(model, "max_completion_tokens", -3), "max_completion_tokens"},
                {chat(model, "stop", List.of("a", "b", "c", "d", "e")), "stop"},
                {chat(model, "stop", List.of("")), "stop"},
                {chat(model, "stop", 5), "stop"},
                {chat(model, "seed", "x"), "seed"},
                {chat(model, "stream", "yes"), "stream"},
                {chat(model, "stream_options", Map.of("include_usage", true)), "stream_options"},
                {chat(model, "tools", List.of(Map.of("type", "function", "function", Map.of("name", "f")))), "tools"},
                {chat(model, "presence_penalty", 0.5), "presence_penalty"},
                {chat(model, "messages", List.of()), "messages"},
                {chat(model, "messages", "hello"), "messages"},
                {chat(model, "messages", List.of(Map.of("role", "wizard", "content", "hi"))), "messages[0].role"},
                {chat(model, "messages", List.of(Map.of("role", "tool", "content", "hi"))), "messages[0].role"},
                {chat(model, "messages", List.of(Map.of("content", "hi"))), "messages[0].role"},
                {chat(model, "messages", List.of(Map.of("role", "user", "content", "hi"), Map.of("role", "user"))),
                        "messages[1].content"},
                {chat(model, "messages", List.of(Map.of("role", "user", "content",
                        List.of(Map.of("type", "image_url", "image_url", Map.of("url", "http://x")))))), "messages[0].content"},
                {Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))), "model"},
        };
        for (Object[] c : cases) {
            String param = (String) c[1];
            post("/v1/chat/completions", c[0]).statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo(param))
                    .body("error.message", containsString(param));
        }
        post("/v1/chat/completions", chat(model, "messages", List.of())).body("error.message", containsString("empty"));
        post("/v1/chat/completions", chat(model, "n", 2)).body("error.message", containsString("one choice"));
    }

    @Test
    void badCompletionParametersAre400sNamingTheParameter() {
        Object[][] cases = {
                {Map.of("model", "m", "prompt", "hi", "logprobs", 6), "logprobs"},
                {Map.of("model", "m", "prompt", "hi", "logprobs", 2, "echo", true), "echo"},
                {Map.of("model", "m", "prompt", List.of("a", "b")), "prompt"},
                {Map.of("model", "m", "prompt", List.of(1, 2, 3)), "prompt"},
                {Map.of("model", "m"), "prompt"},
                {Map.of("model", "m", "prompt", "hi", "n", 3), "n"},
                {Map.of("model", "m", "prompt", "hi", "best_of", 2), "best_of"},
                {Map.of("model", "m", "prompt", "hi", "temperature", 3), "temperature"},
                {Map.of("model", "m", "prompt", "hi", "suffix", "end"), "suffix"},
        };
        for (Object[] c : cases) {
            String param = (String) c[1];
            post("/v1/completions", c[0]).statusCode(400)
                    .body("error.param", equalTo(param))
                    .body("error.message", containsString(param));
        }
    }

    @Test
    void invalidJsonIsA400InOpenAisShape() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions")) {
            given().contentType(ContentType.JSON).body("{\"model\": ").post(path).then().statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("invalid_json"))
                    .body("error.param", nullValue())
                    .body("error.message", containsString("JSON"));
            given().contentType(ContentType.JSON).body("[1, 2]").post(path).then().statusCode(400)
                    .body("error.message", containsString("JSON object"));
            given().contentType(ContentType.JSON).body("").post(path).then().statusCode(400)
                    .body("error.code", equalTo("invalid_json"));
        }
    }

    @Test
    void requestsTheApiCannotRouteStillGetOpenAisErrorShape() {
        given().get("/v1/nothing-here").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("/v1/nothing-here"));
        given().contentType(ContentType.TEXT).body("hello").post("/v1/chat/completions").then().statusCode(415)
                .contentType(ContentType.JSON).body("error.type", equalTo("invalid_request_error"));
        given().get("/v1/chat/completions").then().statusCode(405)
                .contentType(ContentType.JSON).body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void unknownModelsAre404sSayingWhy() {
        stories260k();
        long noRuns = createPersona(Map.of("name", uniqueName("Untrained"), "baseModel", stories260k().toString()));
        String slug = given().get("/api/personas/" + noRuns).jsonPath().getString("slug");
        OpenAiFixtures.TunedPersona persona = loraPersona();
        Map<String, String> cases = Map.of(
                "no-such-persona", "no persona has the slug",
                slug, "no successful fine-tuning run",
                persona.slug() + "@999999999", "has no run",
                persona.slug() + "@latest", "not a run id",
                "base:nobody/no-such-model", "not on this machine");
        cases.forEach((model, why) -> {
            post("/v1/chat/completions", chat(model)).statusCode(404)
                    .body("error.code", equalTo("model_not_found"))
                    .body("error.param", equalTo("model"))
                    .body("error.message", containsString(model))
                    .body("error.message", containsString(why));
            post("/v1/completions", Map.of("model", model, "prompt", "hi")).statusCode(404)
                    .body("error.code", equalTo("model_not_found"));
            given().get("/v1/models/" + model).then().statusCode(404).body("error.code", equalTo("model_not_found"));
        });
        post("/v1/chat/completions", chat(slug)).body("error.message", containsString("base:" + stories260k()));
    }

    @Test
    void aCompletionLongerThanTheContextIsA400() {
        post("/v1/chat/completions", chat(baseId(), "max_tokens", 100_000)).statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("max_tokens"))
                .body("error.message", containsString("512"));
        post("/v1/completions", Map.of("model", baseId(), "prompt", "dog ".repeat(600))).statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("prompt"));
    }

    @Test
    void moreRequestsInFlightThanAdmittedAre429s() {
        String model = baseId();
        int taken = 0;
        try {
            while (capacity.tryAcquire()) {
                taken++;
            }
            assertEquals(capacity.max(), taken);
            post("/v1/chat/completions", chat(model, "max_tokens", 2)).statusCode(429)
                    .header("Retry-After", notNullValue())
                    .body("error.code", equalTo("rate_limit_exceeded"))
                    .body("error.message", containsString("forge.openai.max-requests"));
            post("/v1/completions", Map.of("model", model, "prompt", "hi")).statusCode(429);
        } finally {
            for (int i = 0; i < taken; i++) {
                capacity.release();
            }
        }
        post("/v1/chat/completions", chat(model, "max_tokens", 2)).statusCode(200);
    }

    @Test
    void aModelKeptBusyPastTheWaitTimeoutIsA503() throws Exception {
        String model = baseId();
        ok("/v1/chat/completions", chat(model, "max_tokens", 1));
        try (BaseModelRegistry.Lease lease = registry.lease(stories260k().toString()).get(1, TimeUnit.MINUTES)) {
            assertTrue(ModelGate.enter(lease.model(), () -> false, () -> { }));
            try {
                long start = System.nanoTime();
                post("/v1/chat/completions", chat(model, "max_tokens", 2)).statusCode(503)
                        .header("Retry-After", notNullValue())
                        .body("error.type", equalTo("server_error"))
                        .body("error.code", equalTo("server_overloaded"))
                        .body("error.message", containsString("busy"));
                assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(2), "waited for the model first");
            } finally {
                ModelGate.leave(lease.model());
            }
        }
        post("/v1/chat/completions", chat(model, "max_tokens", 2)).statusCode(200);
        post("/v1/chat/completions", chat(model, "max_tokens", 2)).statusCode(200)
                .body("usage.completion_tokens", lessThanOrEqualTo(2));
    }

    @Test
    void theApiIsDescribedInTheOpenApiDocument() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/v1/chat/completions"))
                .body("paths.keySet()", hasItem("/api/api-keys"));
    }
}
