package dev.personaforge.model;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a conversation to prompt text with a model's Jinja {@code chat_template}, the way
 * {@code transformers}' {@code apply_chat_template} does: {@code trim_blocks} and {@code lstrip_blocks}
 * on, variables {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token},
 * and a {@code raise_exception} function.
 */
public final class ChatTemplate {

    /**
     * Used for base models whose tokenizer_config.json has no {@code chat_template}: BOS, the system
     * prompt on its own paragraph, then {@code User: ...} / {@code Assistant: ...} lines, each assistant
     * turn closed by EOS; the generation prompt is {@code Assistant:}.
     */
    public static final String PLAIN_FALLBACK =
            "{{ bos_token }}"
            + "{% for message in messages %}"
            + "{% if message['role'] == 'system' %}{{ message['content'] }}\n\n"
            + "{% elif message['role'] == 'user' %}User: {{ message['content'] }}\n"
            + "{% else %}Assistant: {{ message['content'] }}{{ eos_token }}\n"
            + "{% endif %}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}Assistant:{% endif %}";

    private final String source;
    private final boolean fallback;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /** @param source the Jinja template text; null selects {@link #PLAIN_FALLBACK} */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.fallback = source == null || source.isBlank();
        this.source = fallback ? PLAIN_FALLBACK : source;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .build());
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    }

    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    /** Called by templates through {@code raise_exception(msg)}; the render then fails with {@code msg}. */
    public static String raiseException(String message) {
        RAISED.set(message);
        throw new IllegalArgumentException("chat template: " + message);
    }

    /** True when the model had no template and {@link #PLAIN_FALLBACK} is used. */
    public boolean isFallback() {
        return fallback;
    }

    /** The Jinja source in use. */
    public String source() {
        return source;
    }

    /** Renders {@code messages}; {@code addGenerationPrompt} appends the opening of an assistant turn. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            msgs.add(m.asMap());
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RAISED.remove();
        RenderResult result = jinjava.renderForResult(source, vars);
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) {
            throw new IllegalArgumentException("chat template: " + raised);
        }
        if (!result.getErrors().isEmpty()) {
            var err = result.getErrors().get(0);
            if (err.getException() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            if (err.getSeverity() == com.hubspot.jinjava.interpret.TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("chat template error at line " + err.getLineno() + ": " + err.getMessage());
            }
        }
        return result.getOutput();
    }
}
