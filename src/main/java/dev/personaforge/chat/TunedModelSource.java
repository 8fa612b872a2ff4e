package dev.personaforge.chat;

import java.util.List;
import java.util.Optional;

/** Where the chat finds the tuned models (trained adapters) of a persona. */
public interface TunedModelSource {

    /** The tuned model of run {@code runId}, when that run belongs to the persona and has a usable adapter. */
    Optional<TunedModel> find(long personaId, long runId);

    /** Every tuned model of the persona, newest run first. */
    List<TunedModel> list(long personaId);
}
