package dev.personaforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.personaforge.model.LlamaConfig;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How many layers LoRA training keeps instead of recomputing, and what that adds to the estimate. */
class MemoryEstimateTest {
    /** The smollm2-135m shape of the bench: 30 layers. */
    static final LlamaConfig SMOLLM2 = new LlamaConfig("LlamaForCausalLM", 576, 1536, 30, 9, 3, 64, 49152, 8192, 1e-5,
            100000.0, null, true, false, false, false, 1, List.of(2));

    static MemoryEstimate lora(long limit, long budget) {
        return MemoryEstimate.training(SMOLLM2, 4_884_480, false, 8 * 256, 256, 8, limit, budget);
    }

    @Test
    void theBudgetDecidesHowManyTopLayersAreKept() {
        MemoryEstimate none = lora(1L << 40, 0);
        assertEquals(0, none.keptLayers());
        assertEquals(0, none.keptActivationBytes());
        MemoryEstimate all = lora(1L << 40, 1L << 40);
        assertEquals(30, all.keptLayers(), "never more layers than the model has");
        long perLayer = all.keptActivationBytes() / 30;
        assertTrue(perLayer > 50_000_000 && perLayer < 500_000_000, "one smollm2 layer at 8 x 256 tokens: " + perLayer);
        MemoryEstimate two = lora(1L << 40, 2 * perLayer + perLayer / 2);
        assertEquals(2, two.keptLayers());
        assertEquals(none.requiredBytes() + 2 * perLayer, two.requiredBytes());
        assertTrue(two.describe().contains("2 layers keep their activations"), two.describe());
    }

    @Test
    void automaticBudgetTakesAShareOfWhatIsLeftAndNeverBreaksTheFit() {
        long rest = lora(1L << 40, 0).requiredBytes();
        long perLayer = lora(1L << 40, 1L << 40).keptActivationBytes() / 30;
        MemoryEstimate tight = lora(rest + 10 * perLayer, -1);
        assertEquals((int) (10 * MemoryEstimate.AUTO_ACTIVATION_SHARE), tight.keptLayers());
        assertTrue(tight.fits());
        MemoryEstimate tooSmall = lora(rest / 2, -1);
        assertEquals(0, tooSmall.keptLayers(), "a run that does not fit keeps nothing extra");
        MemoryEstimate full = MemoryEstimate.training(SMOLLM2, SMOLLM2.parameterCount(), true, 8 * 256, 256, 8, 1L << 40);
        assertEquals(0, full.keptLayers(), "full fine-tuning keeps its whole graph anyway");
    }
}
