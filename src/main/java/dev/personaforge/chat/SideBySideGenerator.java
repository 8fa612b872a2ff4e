package dev.personaforge.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.model.TokenListener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Generates the next reply of several chat columns in ONE batched pass over a base model's shared weights, each
 * column with its own LoRA adapter or none, and fans the streamed text out per column.
 *
 * <p>Conversations that no longer fit the model's context lose their oldest turns (the system message stays).
 * Callers serialize use of a model through {@link ModelGate}.
 */
public final class SideBySideGenerator {

    /** One column's conversation, ending with the user message to answer, and its adapter (null for the base model). */
    public record Column(List<ChatMessage> messages, LoraAdapter adapter) {
    }

    /** Receives each column's reply text as it grows; deltas are whole UTF-8 characters and never empty. */
    @FunctionalInterface
    public interface TextListener {
        void onText(int column, String delta);
    }

    private final LanguageModel model;

    public SideBySideGenerator(LanguageModel model) {
        this.model = model;
    }

    /**
     * Answers every column with the same sampling settings (same seed too, so only the adapters make the
     * difference) and returns one result per column, in order.
     *
     * @throws IllegalArgumentException when the last user message alone does not fit the model's context
     */
    public List<GenerationResult> generate(List<Column> columns, SamplingParams sampling, TextListener listener,
                                           BooleanSupplier cancelled) {
        List<GenerationRequest> requests = new ArrayList<>(columns.size());
        for (Column column : columns) {
            requests.add(new GenerationRequest(fit(column.messages(), sampling.maxNewTokens()), column.adapter(), sampling));
        }
        TokenListener tokens = listener == null ? null : (row, tokenId, delta) -> {
            if (!delta.isEmpty()) {
                listener.onText(row, delta);
            }
        };
        return new Generator(model).generate(requests, tokens, cancelled == null ? () -> false : cancelled);
    }

    /**
     * Prompt ids for a conversation, dropping the oldest exchanges until the prompt leaves room for a reply
     * (up to half the context).
     */
    long[] fit(List<ChatMessage> messages, int maxNewTokens) {
        int context = model.config().maxPositionEmbeddings();
        int target = context - Math.min(maxNewTokens, context / 2);
        List<dev.personaforge.model.ChatMessage> conversation = new ArrayList<>(Messages.toEngine(messages));
        long[] ids = model.encodeChat(conversation);
        while (ids.length > target && dropOldestTurn(conversation)) {
            ids = model.encodeChat(conversation);
        }
        if (ids.length >= context) {
            throw new IllegalArgumentException("The message is " + ids.length + " tokens with the system prompt, "
                    + "more than this model's context of " + context + " tokens; shorten it.");
        }
        return ids;
    }

    /** Removes the oldest message after any system message, keeping the last one (the message to answer). */
    private static boolean dropOldestTurn(List<dev.personaforge.model.ChatMessage> conversation) {
        for (int i = 0; i < conversation.size() - 1; i++) {
            if (!conversation.get(i).role().equals("system")) {
                conversation.remove(i);
                return true;
            }
        }
        return false;
    }
}
