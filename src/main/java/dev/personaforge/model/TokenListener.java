package dev.personaforge.model;

/** Receives each generated token as it is chosen; {@code textDelta} is always complete UTF-8 text (may be empty). */
@FunctionalInterface
public interface TokenListener {
    /** @param request index of the request in the batch */
    void onToken(int request, long tokenId, String textDelta);
}
