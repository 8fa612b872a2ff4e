package dev.personaforge.chat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A LangChain4j {@link StreamingChatModel} over a local base model, optionally with a LoRA adapter: generates on
 * the given executor and hands the reply to the handler token by token. Handlers can stop a reply through the
 * {@link StreamingHandle} of each partial response.
 */
public class ForgeStreamingChatModel implements StreamingChatModel {

    private final LocalChat chat;
    private final Executor executor;

    /**
     * @param adapter null for the base model
     * @param executor runs the generation, so callers (an event loop, say) are never blocked
     */
    public ForgeStreamingChatModel(LanguageModel model, LoraAdapter adapter, String name, ChatSettings defaults,
                                   Executor executor) {
        this.chat = new LocalChat(model, adapter, name, defaults);
        this.executor = executor;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        PartialResponseContext context = new PartialResponseContext(handle);
        executor.execute(() -> {
            ChatResponse response;
            try {
                response = chat.respond(request,
                        (column, delta) -> handler.onPartialResponse(new PartialResponse(delta), context),
                        handle::isCancelled);
            } catch (RuntimeException e) {
                handler.onError(e);
                return;
            }
            handler.onCompleteResponse(response);
        });
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return chat.defaultParameters();
    }

    private static final class Handle implements StreamingHandle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }
}
