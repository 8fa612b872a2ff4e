package dev.personaforge.openai;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the OpenAI-compatible API under {@code forge.openai.} (see application.properties and README). */
@ConfigMapping(prefix = "forge.openai")
public interface OpenAiConfig {

    /** How many API requests may be in flight at once (loading, waiting or generating); more get a 429. */
    @WithDefault("8")
    int maxRequests();

    /** How long a request waits for its model while other generations (API or chat) use it; then a 503. */
    @WithDefault("60s")
    Duration waitTimeout();

    /** How long a request waits for its model to load into memory; then a 503. */
    @WithDefault("10m")
    Duration loadTimeout();
}
