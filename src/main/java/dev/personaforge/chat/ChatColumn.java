package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * One column of a side-by-side chat: the base model or one tuned model, with its own conversation memory.
 *
 * @param tuned null for the base model column
 */
public record ChatColumn(int index, String label, TunedModel tuned, ChatMemory memory) {

    /** How many messages (system prompt included) a column remembers; older ones drop out first. */
    static final int MAX_MESSAGES = 60;

    static ChatColumn create(int index, String label, TunedModel tuned, String sessionId, String systemPrompt) {
        ChatMemory memory = MessageWindowChatMemory.builder()
                .id(sessionId + "/" + index)
                .maxMessages(MAX_MESSAGES)
                .build();
        ChatColumn column = new ChatColumn(index, label, tuned, memory);
        column.setSystemPrompt(systemPrompt);
        return column;
    }

    public boolean isBase() {
        return tuned == null;
    }

    public String kind() {
        return isBase() ? "base" : "tuned";
    }

    /** The messages after the system prompt, oldest first. */
    public List<ChatMessage> history() {
        return memory.messages().stream().filter(m -> !(m instanceof SystemMessage)).toList();
    }

    /** Replaces the system prompt at the head of the memory, or removes it when blank. */
    void setSystemPrompt(String systemPrompt) {
        List<ChatMessage> rest = history();
        List<ChatMessage> messages = new ArrayList<>();
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            messages.add(SystemMessage.from(systemPrompt));
        }
        messages.addAll(rest);
        replace(messages);
    }

    /** Drops a trailing assistant reply so the last user message can be answered again; false when there is none. */
    boolean dropLastReply() {
        List<ChatMessage> messages = new ArrayList<>(memory.messages());
        if (messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof AiMessage)) {
            return false;
        }
        messages.remove(messages.size() - 1);
        replace(messages);
        return true;
    }

    /** True when the conversation ends with a user message waiting for a reply. */
    boolean awaitsReply() {
        List<ChatMessage> messages = memory.messages();
        return !messages.isEmpty() && messages.get(messages.size() - 1) instanceof UserMessage;
    }

    void clearHistory() {
        List<ChatMessage> system = memory.messages().stream().filter(m -> m instanceof SystemMessage).toList();
        replace(system);
    }

    void replace(List<ChatMessage> messages) {
        memory.clear();
        messages.forEach(memory::add);
    }
}
