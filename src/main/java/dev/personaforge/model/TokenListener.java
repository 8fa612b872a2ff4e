package dev.personaforge.model;

/** Receives each generated token as it is chosen; {@code textDelta} is always complete UTF-8 text (may be empty). */
@FunctionalInterface
public interface TokenListener {
    /** @param request index of the request in the batch */
    void onToken(int request, long tokenId, String textDelta);

    /**
     * Like {@link #onToken(int, long, String)}, with the token's log-probability when its request asked for them
     * (null otherwise). Listeners that need log-probabilities override this one.
     */
    default void onToken(int request, long tokenId, String textDelta, TokenLogprob logprob) {
        onToken(request, tokenId, textDelta);
    }
}
