package dev.personaforge.openai;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.personaforge.openai.OpenAiFixtures.baseId;
import static dev.personaforge.openai.OpenAiFixtures.createKey;
import static dev.personaforge.openai.OpenAiFixtures.loraPersona;
import static dev.personaforge.openai.OpenAiFixtures.revokeAllKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LangChain4j's own OpenAI client ({@code langchain4j-open-ai}) against this server's OpenAI-compatible API, with
 * an API key: a real client's requests, streaming parser and error handling, not ours.
 */
@QuarkusTest
class OpenAiClientTest {

    @TestHTTPResource("/v1")
    URL v1;

    String key;

    @BeforeEach
    void key() {
        revokeAllKeys();
        key = createKey("langchain4j test");
    }

    @AfterEach
    void openApi() {
        revokeAllKeys();
    }

    private OpenAiChatModel.OpenAiChatModelBuilder chat(String model) {
        return OpenAiChatModel.builder().baseUrl(v1.toString()).apiKey(key).modelName(model)
                .timeout(Duration.ofMinutes(2)).maxRetries(0);
    }

    private OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder streaming(String model) {
        return OpenAiStreamingChatModel.builder().baseUrl(v1.toString()).apiKey(key).modelName(model)
                .timeout(Duration.ofMinutes(2));
    }

    @Test
    void aPersonaAnswersThroughOpenAiChatModelAndStreamsTheSameThroughOpenAiStreamingChatModel() throws Exception {
        OpenAiFixtures.TunedPersona persona = loraPersona();
        ChatResponse answer = chat(persona.slug()).temperature(0.0).maxTokens(10).build()
                .chat(ChatRequest.builder().messages(UserMessage.from("Tell me about the cat.")).build());
        String text = answer.aiMessage().text();
        assertFalse(text.isBlank(), "an answer");
        assertEquals(persona.slug(), answer.modelName());
        assertTrue(answer.tokenUsage().outputTokenCount() <= 10);
        assertEquals(answer.tokenUsage().outputTokenCount() == 10 ? FinishReason.LENGTH : FinishReason.STOP,
                answer.finishReason());

        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> complete = new CompletableFuture<>();
        streaming(persona.slug()).temperature(0.0).maxTokens(10).build()
                .chat(List.of(UserMessage.from("Tell me about the cat.")), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partialResponse) {
                        partial.append(partialResponse);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        complete.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        complete.completeExceptionally(error);
                    }
                });
        ChatResponse streamed = complete.get(2, TimeUnit.MINUTES);
        assertEquals(text, partial.toString(), "greedy decoding streams the same answer");
        assertEquals(text, streamed.aiMessage().text());
        assertEquals(answer.finishReason(), streamed.finishReason());
        assertEquals(answer.tokenUsage().outputTokenCount(), streamed.tokenUsage().outputTokenCount(),
                "LangChain4j asks for usage in the stream and gets it");
    }

    @Test
    void stopStringsAndMaxTokensBehaveThroughTheClient() {
        OpenAiChatModel model = chat(baseId()).temperature(0.0).maxTokens(30).build();
        List<dev.langchain4j.data.message.ChatMessage> messages = List.of(SystemMessage.from("Tell a story."),
                UserMessage.from("Tell me about the dog."));
        String full = model.chat(ChatRequest.builder().messages(messages).build()).aiMessage().text();
        String[] words = full.strip().split("\\s+");
        assertTrue(words.length >= 3, "a long enough answer: " + full);
        String stop = " " + words[2];

        ChatResponse stopped = chat(baseId()).temperature(0.0).maxTokens(30).stop(List.of(stop)).build()
                .chat(ChatRequest.builder().messages(messages).build());
        assertEquals(full.substring(0, full.indexOf(stop)), stopped.aiMessage().text());
        assertEquals(FinishReason.STOP, stopped.finishReason());

        ChatResponse cut = chat(baseId()).temperature(0.0).maxTokens(3).build()
                .chat(ChatRequest.builder().messages(messages).build());
        assertEquals(3, cut.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, cut.finishReason());
        assertTrue(full.startsWith(cut.aiMessage().text().strip()), cut.aiMessage().text() + " / " + full);
    }

    @Test
    void errorsReachTheClientAsLangChain4jExceptions() {
        assertThrows(ModelNotFoundException.class, () -> chat("no-such-persona").build().chat("Hi"));
        OpenAiChatModel wrongKey = OpenAiChatModel.builder().baseUrl(v1.toString()).apiKey("pf-not-a-key")
                .modelName(baseId()).maxRetries(0).build();
        assertThrows(dev.langchain4j.exception.AuthenticationException.class, () -> wrongKey.chat("Hi"));
    }
}
