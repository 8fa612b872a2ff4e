package dev.personaforge.basemodel;

import dev.personaforge.model.LlamaConfig;

import java.util.List;

/** Counts the values a LoRA adapter of a given rank adds on given modules, from the model's config alone. */
public final class LoraSize {

    private LoraSize() {
    }

    public static long parameters(LlamaConfig c, int rank, List<String> modules) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        long perLayer = 0;
        for (String module : modules) {
            perLayer += switch (module) {
                case "q_proj" -> h + q;
                case "k_proj", "v_proj" -> h + kv;
                case "o_proj" -> q + h;
                case "gate_proj", "up_proj" -> h + inter;
                case "down_proj" -> inter + h;
                default -> throw new IllegalArgumentException("unknown LoRA target module " + module);
            };
        }
        return perLayer * rank * c.numHiddenLayers();
    }
}
