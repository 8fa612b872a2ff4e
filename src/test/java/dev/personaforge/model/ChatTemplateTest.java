package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Chat templates rendered as transformers renders them (expected strings written out by hand from the Jinja semantics). */
class ChatTemplateTest {
    /** SmolLM2-Instruct's ChatML template, verbatim from its tokenizer_config.json. */
    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
            + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /** Meta-Llama-3-8B-Instruct's template, verbatim. */
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    @Test
    void chatMlTemplate() {
        ChatTemplate t = new ChatTemplate(SMOLLM2, "<|im_start|>", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are Pip.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(ChatMessage.system("You are Pip."), ChatMessage.user("Hi there")), true));
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n",
                t.render(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!")), false));
    }

    @Test
    void llama3TemplateWithBosAndTrim() {
        ChatTemplate t = new ChatTemplate(LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are Pip.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.render(List.of(ChatMessage.system("You are Pip."), ChatMessage.user("  Hi \n")), true));
    }

    @Test
    void fallbackTemplateForBaseModels() {
        ChatTemplate t = new ChatTemplate(null, "<s>", "</s>");
        assertTrue(t.isFallback());
        assertEquals("<s>Be kind.\n\nUser: Hello\nAssistant:",
                t.render(List.of(ChatMessage.system("Be kind."), ChatMessage.user("Hello")), true));
        assertEquals("<s>User: Hello\nAssistant: Hi</s>\n",
                t.render(List.of(ChatMessage.user("Hello"), ChatMessage.assistant("Hi")), false));
    }

    @Test
    void raiseExceptionSurfacesAsError() {
        ChatTemplate t = new ChatTemplate("{% if messages[0]['role'] != 'user' %}{{ raise_exception('Conversation must start with user') }}{% endif %}ok",
                "", "");
        assertEquals("ok", t.render(List.of(ChatMessage.user("x")), false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.render(List.of(ChatMessage.assistant("x")), false));
        assertTrue(e.getMessage().contains("Conversation must start with user"), e.getMessage());
    }
}
