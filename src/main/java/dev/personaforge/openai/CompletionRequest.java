package dev.personaforge.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/completions} (legacy text completion) body, checked.
 *
 * @param logprobs -1 when not asked for; else how many most likely alternatives per token (0..5)
 */
record CompletionRequest(String model, String prompt, boolean echo, SamplingFields sampling, int logprobs) {

    static final int MAX_LOGPROBS = 5;

    /** OpenAI's default length of a text completion. */
    static final int DEFAULT_MAX_TOKENS = 16;

    static CompletionRequest parse(JsonNode body) {
        RequestFields fields = RequestFields.of(body);
        String model = fields.requiredString("model", "a persona slug, <slug>@<run id> or base:<model>; see GET /v1/models");
        String prompt = prompt(fields.node("prompt"));
        fields.requireSingleChoice("n");
        fields.requireSingleChoice("best_of");
        SamplingFields sampling = SamplingFields.read(fields, "max_tokens");
        boolean echo = fields.bool("echo", false);
        Long logprobs = fields.integer("logprobs", 0, MAX_LOGPROBS);
        if (echo && logprobs != null) {
            throw OpenAiException.unsupported("echo", "'echo' together with 'logprobs' is not supported: this server "
                    + "reports log-probabilities of generated tokens only, not of the prompt.");
        }
        fields.rejectUnlessNeutral("suffix", "inserting text before a suffix is not supported");
        fields.rejectUnlessNeutral("presence_penalty", "only 0 is implemented");
        fields.rejectUnlessNeutral("frequency_penalty", "only 0 is implemented");
        fields.rejectUnlessNeutral("logit_bias", "token biases are not supported");
        return new CompletionRequest(model, prompt, echo, sampling, logprobs == null ? -1 : logprobs.intValue());
    }

    /** A string, or an array of exactly one string. */
    private static String prompt(JsonNode p) {
        if (p == null) {
            throw OpenAiException.invalid("prompt", "Missing required parameter: 'prompt' (the text to continue).");
        }
        if (p.isTextual()) {
            return p.asText();
        }
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            return p.get(0).asText();
        }
        if (p.isArray() && p.size() > 1) {
            throw OpenAiException.invalid("prompt", "'prompt' may hold one string only (this server completes one "
                    + "prompt per request), not " + p.size() + ".");
        }
        throw OpenAiException.invalid("prompt", "'prompt' must be a string or an array of one string; token arrays "
                + "are not supported.");
    }
}
