package dev.personaforge.common;

/** Thrown when a persona, pair or other addressed thing does not exist; maps to 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }

    public static NotFoundException persona(long id) {
        return new NotFoundException("Persona " + id + " does not exist.");
    }

    public static NotFoundException pair(long personaId, long pairId) {
        return new NotFoundException("Pair " + pairId + " does not exist in persona " + personaId + ".");
    }
}
