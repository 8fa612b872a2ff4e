package dev.personaforge.chat;

/** Thrown when a chat is asked to do something that has to wait for the reply being generated; maps to 409. */
public class ChatBusyException extends RuntimeException {

    public ChatBusyException(String message) {
        super(message);
    }
}
