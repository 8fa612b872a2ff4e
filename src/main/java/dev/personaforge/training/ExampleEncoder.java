package dev.personaforge.training;

import dev.personaforge.model.ChatMessage;
import dev.personaforge.model.LanguageModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders examples with the model's chat template and tokenizes them: the prompt is the rendered
 * conversation up to the assistant cue; the completion is tokenized on its own and closed with EOS,
 * which is exactly the sequence generation produces, so what is learnt is what is generated.
 */
public final class ExampleEncoder {
    private final LanguageModel model;
    private final int eos;

    public ExampleEncoder(LanguageModel model) {
        this.model = model;
        this.eos = model.eosTokenIds().get(0);
    }

    /** The chat messages of an example's prompt side. */
    public static List<ChatMessage> promptMessages(TrainingExample e) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!e.systemPrompt().isBlank()) {
            messages.add(ChatMessage.system(e.systemPrompt()));
        }
        messages.add(ChatMessage.user(e.prompt()));
        return messages;
    }

    /**
     * Tokenizes one example, truncating the completion end to {@code maxLength}; returns null when not
     * even one completion token fits after the prompt.
     */
    TokenizedExample encode(TrainingExample e, int maxLength) {
        long[] prompt = model.encodeChat(promptMessages(e));
        long[] completion = model.tokenizer().encode(e.completion(), false);
        int total = prompt.length + completion.length + 1;
        boolean truncated = total > maxLength;
        int keep = Math.min(total, maxLength);
        if (keep <= prompt.length) {
            return null;
        }
        long[] ids = new long[keep];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        int fromCompletion = Math.min(completion.length, keep - prompt.length);
        System.arraycopy(completion, 0, ids, prompt.length, fromCompletion);
        if (prompt.length + fromCompletion < keep) {
            ids[keep - 1] = eos;
        }
        return new TokenizedExample(ids, prompt.length, truncated);
    }
}
