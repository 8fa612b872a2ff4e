package dev.personaforge.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which base weights a partial fine-tune trains, the rest staying frozen and shared with the base model.
 *
 * <ul>
 *   <li>{@link Method#TOP_LAYERS}: the last {@code topLayers} decoder layers, the final norm and, when the model's
 *       head is untied, {@code lm_head}. The embeddings and every lower layer stay frozen.</li>
 *   <li>{@link Method#FEATURE_EXTRACTION}: only the output head. A model with tied embeddings is untied first: it
 *       gets a separate {@code lm_head} initialised as a copy of the embedding matrix, so the input embeddings never
 *       change and the tuned model has {@code tie_word_embeddings = false}.</li>
 * </ul>
 *
 * @param topLayers decoder layers trained from the top, for {@link Method#TOP_LAYERS}; 0 for feature extraction
 */
public record PartialTuning(Method method, int topLayers) {

    /** The two partial methods, with the ids the settings and saved files use. */
    public enum Method {
        TOP_LAYERS("top-layers"), FEATURE_EXTRACTION("feature-extraction");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        /** "top-layers" or "feature-extraction". */
        public String id() {
            return id;
        }

        /** The method with this id, case-insensitively. */
        public static Method of(String id) {
            for (Method m : values()) {
                if (m.id.equals(id == null ? "" : id.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown partial method \"" + id + "\"; use top-layers or feature-extraction");
        }
    }

    public PartialTuning {
        if (method == null) {
            throw new IllegalArgumentException("method must not be null");
        }
        if (method == Method.TOP_LAYERS && topLayers < 1) {
            throw new IllegalArgumentException("topLayers must be >= 1, got " + topLayers);
        }
        if (method == Method.FEATURE_EXTRACTION && topLayers != 0) {
            throw new IllegalArgumentException("feature extraction trains no decoder layer; topLayers must be 0, got " + topLayers);
        }
    }

    /** Trains the last {@code n} decoder layers, the final norm and an untied head. */
    public static PartialTuning topLayers(int n) {
        return new PartialTuning(Method.TOP_LAYERS, n);
    }

    /** Trains only the output head (untied from the embeddings when they are tied). */
    public static PartialTuning featureExtraction() {
        return new PartialTuning(Method.FEATURE_EXTRACTION, 0);
    }

    /** Checks that the model has enough layers; the message names {@code topLayers} and the limit. */
    public void checkFits(LlamaConfig base) {
        if (topLayers > base.numHiddenLayers()) {
            throw new IllegalArgumentException("topLayers must be between 1 and " + base.numHiddenLayers()
                    + " (the model's num_hidden_layers), not " + topLayers);
        }
    }

    /** True when training needs a new {@code lm_head} copied from the tied embeddings. */
    public boolean untiesHead(LlamaConfig base) {
        return method == Method.FEATURE_EXTRACTION && base.tieWordEmbeddings();
    }

    /** The config of the tuned model: the base's, untied when the head was untied. */
    public LlamaConfig tunedConfig(LlamaConfig base) {
        return untiesHead(base) ? base.withTiedWordEmbeddings(false) : base;
    }

    /** Index of the lowest trained decoder layer; {@code numHiddenLayers} when no layer trains. */
    public int firstTrainedLayer(LlamaConfig base) {
        checkFits(base);
        return base.numHiddenLayers() - topLayers;
    }

    /** Indexes of the trained decoder layers, ascending (empty for feature extraction). */
    public List<Integer> trainedLayers(LlamaConfig base) {
        List<Integer> out = new ArrayList<>();
        for (int i = firstTrainedLayer(base); i < base.numHiddenLayers(); i++) {
            out.add(i);
        }
        return out;
    }

    /** Hugging Face names of every trained tensor, in checkpoint order. */
    public List<String> trainedTensors(LlamaConfig base) {
        LlamaConfig tuned = tunedConfig(base);
        int first = firstTrainedLayer(base);
        List<String> out = new ArrayList<>();
        for (String name : LlamaForCausalLM.expectedShapes(tuned).keySet()) {
            boolean trained = switch (method) {
                case TOP_LAYERS -> name.equals("model.norm.weight") || name.equals("lm_head.weight")
                        || (name.startsWith("model.layers.") && layerOf(name) >= first);
                case FEATURE_EXTRACTION -> name.equals("lm_head.weight");
            };
            if (trained) {
                out.add(name);
            }
        }
        return out;
    }

    /** Values the optimizer updates (for feature extraction on a tied model: the new head). */
    public long trainableParameters(LlamaConfig base) {
        long n = 0;
        var shapes = LlamaForCausalLM.expectedShapes(tunedConfig(base));
        for (String name : trainedTensors(base)) {
            long size = 1;
            for (long d : shapes.get(name)) {
                size *= d;
            }
            n += size;
        }
        return n;
    }

    /** Layer index of a {@code model.layers.<i>.} tensor name. */
    static int layerOf(String name) {
        int start = "model.layers.".length();
        return Integer.parseInt(name.substring(start, name.indexOf('.', start)));
    }

    /** "top 2 layers" or "feature extraction", for logs and labels. */
    public String describe() {
        return method == Method.TOP_LAYERS ? "top " + topLayers + (topLayers == 1 ? " layer" : " layers") : "feature extraction";
    }
}
