package dev.personaforge.chat;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;

/**
 * A LangChain4j {@link ChatModel} over a local base model, optionally with a LoRA adapter (a tuned persona).
 * Blocks the calling thread while generating; generations on the same base model take turns.
 */
public class ForgeChatModel implements ChatModel {

    private final LocalChat chat;

    /**
     * @param adapter null for the base model
     * @param name reported as the model name, e.g. "Run #12"
     * @param defaults used where a request leaves temperature, top-p or max tokens unset; also gives the seed
     */
    public ForgeChatModel(LanguageModel model, LoraAdapter adapter, String name, ChatSettings defaults) {
        this.chat = new LocalChat(model, adapter, name, defaults);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return chat.respond(request, null, () -> Thread.currentThread().isInterrupted());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return chat.defaultParameters();
    }
}
