package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** Next-token choice from one row of logits, and the refusal of NaN logits. */
class TokenSamplerTest {

    @Test
    void greedyPicksTheLargestLogit() {
        assertEquals(2, new TokenSampler(SamplingParams.greedy(1)).next(new float[] {0.5f, -1f, 3f, 2.9f}, Set.of()));
    }

    @Test
    void nanLogitsAreAnErrorNotTokenZero() {
        float[] nan = {Float.NaN, Float.NaN, Float.NaN};
        IllegalStateException greedy = assertThrows(IllegalStateException.class,
                () -> new TokenSampler(SamplingParams.greedy(1)).next(nan.clone(), Set.of()));
        assertTrue(greedy.getMessage().contains("NaN logits"), greedy.getMessage());
        SamplingParams sampled = SamplingParams.sample(0.8, 0, 1.0, 7L, 1);
        assertThrows(IllegalStateException.class, () -> new TokenSampler(sampled).next(nan.clone(), Set.of()));
    }
}
