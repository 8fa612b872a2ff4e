package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LangChain4j chat models on the real tiny stories260k model, base and with an adapter. */
class ForgeChatModelTest {

    private static final ChatSettings GREEDY = new ChatSettings(0, 1, 16, 7);

    private static LanguageModel model;
    private static LoraAdapter adapter;
    private static ExecutorService executor;

    @BeforeAll
    static void load() throws Exception {
        model = LanguageModel.load(ChatFixtures.stories260k());
        adapter = ChatFixtures.perturbedAdapter(model, 11);
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (adapter != null) {
            adapter.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void chatReturnsAnAiMessageWithUsageAndFinishReason() {
        ChatModel chat = new ForgeChatModel(model, null, "stories260k", GREEDY);
        ChatResponse response = chat.chat(ChatRequest.builder()
                .messages(SystemMessage.from("You tell short stories."), UserMessage.from("Tell me about a cat."))
                .build());
        AiMessage reply = response.aiMessage();
        assertFalse(reply.text().isBlank(), "reply text");
        assertEquals("stories260k", response.modelName());
        assertTrue(response.tokenUsage().outputTokenCount() > 0 && response.tokenUsage().outputTokenCount() <= 16);
        assertTrue(response.tokenUsage().inputTokenCount() > 5, "prompt tokens include the system message");
        assertTrue(response.finishReason() == FinishReason.LENGTH || response.finishReason() == FinishReason.STOP);
        assertFalse(chat.chat("Tell me about a cat.").isBlank(), "the plain-string convenience method answers too");
    }

    @Test
    void requestParametersOverrideTheDefaults() {
        ChatModel chat = new ForgeChatModel(model, null, "stories260k", GREEDY);
        ChatResponse response = chat.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .maxOutputTokens(3).build());
        assertEquals(3, response.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, response.finishReason());
    }

    @Test
    void theTunedModelAnswersDifferentlyFromTheBase() {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build();
        String base = new ForgeChatModel(model, null, "base", GREEDY).chat(request).aiMessage().text();
        String tuned = new ForgeChatModel(model, adapter, "tuned", GREEDY).chat(request).aiMessage().text();
        assertNotEquals(base, tuned);
    }

    @Test
    void streamingDeliversPartialsThatAddUpToTheCompleteResponse() throws Exception {
        StreamingChatModel chat = new ForgeStreamingChatModel(model, adapter, "tuned", GREEDY, executor);
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        chat.chat(List.of(UserMessage.from("Tell me a story about a dog.")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);
        assertFalse(partials.isEmpty(), "partial responses");
        assertEquals(String.join("", partials), response.aiMessage().text());
        ChatResponse blocking = new ForgeChatModel(model, adapter, "tuned", GREEDY)
                .chat(UserMessage.from("Tell me a story about a dog."));
        assertEquals(blocking.aiMessage().text(), response.aiMessage().text(), "streaming and blocking agree");
    }

    @Test
    void aHandlerCanStopTheStream() throws Exception {
        StreamingChatModel chat = new ForgeStreamingChatModel(model, null, "base", new ChatSettings(0, 1, 200, 7), executor);
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        chat.chat(List.of(UserMessage.from("Once upon a time")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                partials.add(partial.text());
                if (partials.size() == 2) {
                    context.streamingHandle().cancel();
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);
        assertEquals(2, partials.size());
        assertEquals(FinishReason.OTHER, response.finishReason(), "cancelled");
        assertEquals(String.join("", partials), response.aiMessage().text());
    }
}
