package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.SamplingParams;

import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What {@link ForgeChatModel} and {@link ForgeStreamingChatModel} share: one local model (base weights plus an
 * optional adapter), its default settings, and the translation of a LangChain4j request into one generation.
 */
final class LocalChat {

    private final LanguageModel model;
    private final LoraAdapter adapter;
    private final String name;
    private final ChatSettings defaults;

    LocalChat(LanguageModel model, LoraAdapter adapter, String name, ChatSettings defaults) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        defaults.validate();
        this.model = model;
        this.adapter = adapter;
        this.name = name == null || name.isBlank() ? model.directory().getFileName().toString() : name;
        this.defaults = defaults;
    }

    String name() {
        return name;
    }

    ChatRequestParameters defaultParameters() {
        return ChatRequestParameters.builder()
                .modelName(name)
                .temperature(defaults.temperature())
                .topP(defaults.topP())
                .maxOutputTokens(defaults.maxTokens())
                .build();
    }

    /** Generates the reply to {@code request}, streaming text to {@code listener} (may be null). */
    ChatResponse respond(ChatRequest request, SideBySideGenerator.TextListener listener, BooleanSupplier cancelled) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("Tools are not supported by local Persona Forge models");
        }
        SamplingParams sampling = sampling(p);
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        GenerationResult result;
        try {
            if (!ModelGate.enter(model, stop, () -> { })) {
                return response("", GenerationResult.FinishReason.CANCELLED, 0, 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        }
        try {
            result = new SideBySideGenerator(model)
                    .generate(List.of(new SideBySideGenerator.Column(request.messages(), adapter)), sampling, listener, stop)
                    .get(0);
        } finally {
            ModelGate.leave(model);
        }
        return response(result.text(), result.finishReason(), result.promptTokens(), result.tokenIds().length);
    }

    private SamplingParams sampling(ChatRequestParameters p) {
        double temperature = p.temperature() == null ? defaults.temperature() : p.temperature();
        double topP = p.topP() == null ? defaults.topP() : p.topP();
        int maxTokens = p.maxOutputTokens() == null ? defaults.maxTokens() : p.maxOutputTokens();
        ChatSettings settings = defaults.with(temperature, topP, maxTokens, null);
        SamplingParams sampling = settings.temperature() == 0 ? settings.toSampling()
                : SamplingParams.sample(temperature, p.topK() == null ? 0 : p.topK(), topP, settings.seed(), maxTokens);
        return p.stopSequences() == null || p.stopSequences().isEmpty() ? sampling : sampling.withStopStrings(p.stopSequences());
    }

    private ChatResponse response(String text, GenerationResult.FinishReason reason, int promptTokens, int outputTokens) {
        return ChatResponse.builder()
                .id(UUID.randomUUID().toString())
                .modelName(name)
                .aiMessage(AiMessage.from(text))
                .finishReason(Messages.finishReason(reason))
                .tokenUsage(new TokenUsage(promptTokens, outputTokens))
                .build();
    }
}
