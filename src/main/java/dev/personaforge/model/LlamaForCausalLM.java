package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family causal language model (Llama, Mistral, Qwen2) as plain NDArray weights and a
 * functional forward pass, mirroring {@code modeling_llama.py}.
 *
 * <p>All weights live in this model's own manager. Every forward creates its activations in the
 * caller's scope manager (the manager of the input ids), so nothing accumulates here.
 */
public final class LlamaForCausalLM implements AutoCloseable {

    /** Additive mask value for disallowed attention; finite so fully padded rows stay NaN-free. */
    static final float MASKED = -1e9f;

    static {
        Torch.init();
    }

    private final LlamaConfig config;
    private final NDManager manager;
    private final LlamaRotaryEmbedding rotary;
    NDArray embedTokens;
    /** libtorch F16 copy of the output projection in half precision when {@link #headKernel} is null; else null. */
    private NDArray headHalf;
    /** The head's F16 copy for the vector kernels; when null in half precision, {@link #headHalf} is libtorch's. */
    private HalfProjection headKernel;
    private boolean halfPrecision;
    final List<LlamaDecoderLayer> layers;
    final LlamaRMSNorm norm;
    NDArray lmHead;

    private LlamaForCausalLM(LlamaConfig config, NDManager manager, Map<String, NDArray> w) {
        this.config = config;
        this.manager = manager;
        this.rotary = new LlamaRotaryEmbedding(config);
        this.embedTokens = w.get("model.embed_tokens.weight");
        List<LlamaDecoderLayer> ls = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            LlamaAttention attn = new LlamaAttention(config, i,
                    linear(w, p + "self_attn.q_proj"), linear(w, p + "self_attn.k_proj"),
                    linear(w, p + "self_attn.v_proj"), linear(w, p + "self_attn.o_proj"));
            LlamaMLP mlp = new LlamaMLP(linear(w, p + "mlp.gate_proj"), linear(w, p + "mlp.up_proj"), linear(w, p + "mlp.down_proj"));
            ls.add(new LlamaDecoderLayer(
                    new LlamaRMSNorm(p + "input_layernorm", w.get(p + "input_layernorm.weight"), config.rmsNormEps()),
                    attn,
                    new LlamaRMSNorm(p + "post_attention_layernorm", w.get(p + "post_attention_layernorm.weight"), config.rmsNormEps()),
                    mlp));
        }
        this.layers = Collections.unmodifiableList(ls);
        this.norm = new LlamaRMSNorm("model.norm", w.get("model.norm.weight"), config.rmsNormEps());
        this.lmHead = config.tieWordEmbeddings() ? null : w.get("lm_head.weight");
    }

    private static Linear linear(Map<String, NDArray> w, String path) {
        return new Linear(path, w.get(path + ".weight"), w.get(path + ".bias"));
    }

    /** Every tensor a checkpoint of this config must contain, with its shape, in Hugging Face order. */
    public static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (c.qkvBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.oBias()) {
                s.put(p + "self_attn.o_proj.bias", new long[] {h});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "mlp.gate_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.up_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, inter});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {inter});
                s.put(p + "mlp.up_proj.bias", new long[] {inter});
                s.put(p + "mlp.down_proj.bias", new long[] {h});
            }
        }
        s.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return s;
    }

    /**
     * Builds a model from named tensors, checking that every expected tensor is present with the
     * right shape. Takes ownership: the tensors move into a new sub-manager of {@code parent}; tensors
     * the architecture does not use ({@code rotary_emb.inv_freq}, a tied {@code lm_head}) are closed.
     *
     * @param source where the tensors came from, for error messages
     */
    public static LlamaForCausalLM fromStateDict(LlamaConfig config, Map<String, NDArray> tensors, NDManager parent, String source)
            throws ModelLoadException {
        Map<String, long[]> expected = expectedShapes(config);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            NDArray t = tensors.get(e.getKey());
            if (t == null) {
                throw new ModelLoadException(source + ": missing tensor " + e.getKey() + " (expected shape "
                        + Arrays.toString(e.getValue()) + ")");
            }
            if (!Arrays.equals(t.getShape().getShape(), e.getValue())) {
                throw new ModelLoadException(source + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.getShape().getShape()) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : tensors.keySet()) {
            boolean ignorable = name.contains("rotary_emb.inv_freq") || (name.equals("lm_head.weight") && config.tieWordEmbeddings());
            if (!expected.containsKey(name) && !ignorable) {
                throw new ModelLoadException(source + ": unexpected tensor " + name + " for " + config.architecture()
                        + " (qkv bias " + config.qkvBias() + ", tied " + config.tieWordEmbeddings() + ")");
            }
        }
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> owned = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (expected.containsKey(e.getKey())) {
                e.getValue().attach(manager);
                e.getValue().setName(e.getKey());
                owned.put(e.getKey(), e.getValue());
            } else {
                e.getValue().close();
            }
        }
        return new LlamaForCausalLM(config, manager, owned);
    }

    /**
     * A model that shares this model's weights except {@code replaced}, e.g. base weights with the tensors of a
     * partial fine-tune swapped in. The replaced tensors move into a new sub-manager of this model's manager;
     * closing the returned model frees only them, and closing this model frees both. The shared tensors must not
     * be changed while the other model uses them. Half-precision inference copies are shared too, and made for the
     * replaced projections when this model has them.
     *
     * @param config this model's config, or the same with untied embeddings when {@code replaced} adds
     *     {@code lm_head.weight} to a tied model
     * @param replaced Hugging Face names to tensors of the expected shapes; ownership moves to the new model
     * @throws ModelLoadException naming a tensor that the config does not have or whose shape differs
     */
    public LlamaForCausalLM withTensors(LlamaConfig config, Map<String, NDArray> replaced) throws ModelLoadException {
        if (!config.equals(this.config) && !config.equals(this.config.withTiedWordEmbeddings(false))) {
            throw new ModelLoadException("replaced tensors must keep the architecture (only untying the head is allowed)");
        }
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, NDArray> w = new LinkedHashMap<>(stateDict());
        for (Map.Entry<String, NDArray> e : replaced.entrySet()) {
            long[] shape = expected.get(e.getKey());
            if (shape == null) {
                throw new ModelLoadException("tensor " + e.getKey() + " is not part of " + config.architecture()
                        + " (tied " + config.tieWordEmbeddings() + ")");
            }
            if (!Arrays.equals(shape, e.getValue().getShape().getShape())) {
                throw new ModelLoadException("tensor " + e.getKey() + " has shape "
                        + Arrays.toString(e.getValue().getShape().getShape()) + ", expected " + Arrays.toString(shape));
            }
        }
        if (expected.containsKey("lm_head.weight") && !w.containsKey("lm_head.weight") && !replaced.containsKey("lm_head.weight")) {
            throw new ModelLoadException("an untied config needs lm_head.weight");
        }
        NDManager own = manager.newSubManager();
        for (Map.Entry<String, NDArray> e : replaced.entrySet()) {
            e.getValue().attach(own);
            e.getValue().setName(e.getKey());
            w.put(e.getKey(), e.getValue());
        }
        LlamaForCausalLM view = new LlamaForCausalLM(config, own, w);
        if (halfPrecisionInference()) {
            List<Linear> mine = linears();
            List<Linear> theirs = view.linears();
            view.halfPrecision = true;
            for (int i = 0; i < mine.size(); i++) {
                Linear a = mine.get(i);
                Linear b = theirs.get(i);
                if (b.weight == a.weight && b.bias == a.bias) {
                    b.kernel = a.kernel;
                    b.weightHalf = a.weightHalf;
                    b.biasHalf = a.biasHalf;
                } else {
                    view.halfCopies(b);
                }
            }
            NDArray head = view.lmHead != null ? view.lmHead : view.embedTokens;
            if (head == (lmHead != null ? lmHead : embedTokens)) {
                view.headKernel = headKernel;
                view.headHalf = headHalf;
            } else {
                view.headHalfCopies(head);
            }
        }
        return view;
    }

    /** A model with random weights (normal, std 0.02; norms at 1), e.g. for tests and benchmarks. */
    public static LlamaForCausalLM random(LlamaConfig config, long seed, NDManager parent) {
        return random(config, seed, parent, 0.02f);
    }

    /** A model with random normal weights of standard deviation {@code std} (norm weights at 1). */
    public static LlamaForCausalLM random(LlamaConfig config, long seed, NDManager parent, float std) {
        Torch.seed(seed);
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            Shape shape = new Shape(e.getValue());
            NDArray t = e.getKey().endsWith("layernorm.weight") || e.getKey().equals("model.norm.weight")
                    ? manager.ones(shape)
                    : manager.randomNormal(0f, std, shape, DataType.FLOAT32);
            t.setName(e.getKey());
            w.put(e.getKey(), t);
        }
        return new LlamaForCausalLM(config, manager, w);
    }

    /** The architecture hyper-parameters. */
    public LlamaConfig config() {
        return config;
    }

    /** The manager that owns the weights; adapters and caches are created as its sub-managers. */
    public NDManager manager() {
        return manager;
    }

    /** All projections, in layer order, for LoRA targeting. */
    public List<Linear> linears() {
        List<Linear> out = new ArrayList<>();
        for (LlamaDecoderLayer l : layers) {
            out.addAll(List.of(l.selfAttn.qProj, l.selfAttn.kProj, l.selfAttn.vProj, l.selfAttn.oProj,
                    l.mlp.gateProj, l.mlp.upProj, l.mlp.downProj));
        }
        return out;
    }

    /** Named weights in Hugging Face order (no {@code lm_head} when tied). The arrays stay owned by the model. */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", embedTokens);
        for (LlamaDecoderLayer l : layers) {
            s.put(l.inputLayernorm.path + ".weight", l.inputLayernorm.weight);
            for (Linear lin : List.of(l.selfAttn.qProj, l.selfAttn.kProj, l.selfAttn.vProj, l.selfAttn.oProj)) {
                s.put(lin.path + ".weight", lin.weight);
                if (lin.bias != null) {
                    s.put(lin.path + ".bias", lin.bias);
                }
            }
            s.put(l.postAttentionLayernorm.path + ".weight", l.postAttentionLayernorm.weight);
            for (Linear lin : List.of(l.mlp.gateProj, l.mlp.upProj, l.mlp.downProj)) {
                s.put(lin.path + ".weight", lin.weight);
                if (lin.bias != null) {
                    s.put(lin.path + ".bias", lin.bias);
                }
            }
        }
        s.put("model.norm.weight", norm.weight);
        if (lmHead != null) {
            s.put("lm_head.weight", lmHead);
        }
        return s;
    }

    /** Turns autograd on or off for every base weight (full fine-tuning). */
    public void setRequiresGradient(boolean requiresGradient) {
        for (NDArray w : stateDict().values()) {
            w.setRequiresGradient(requiresGradient);
        }
    }

    /**
     * Runs the decoder stack and the final norm.
     *
     * @param inputIds (B, T) int64, created in the caller's scope manager, which receives every activation
     * @param attentionMask (B, past + T): true for real tokens, false for padding; null means all real
     * @param cache keys/values of the {@code past} earlier positions, extended in place; may be null
     * @return (B, T, H) hidden states after {@code model.norm}
     */
    NDArray hiddenStates(NDArray inputIds, boolean[][] attentionMask, KvCache cache, LoraRouting lora, boolean training) {
        ForwardContext ctx = context(inputIds, attentionMask, cache, lora, training);
        NDManager scope = inputIds.getManager();
        NDArray x = Torch.embedding(inputIds, embedTokens); // (B, T, H)
        for (LlamaDecoderLayer layer : layers) {
            x = forwardLayer(layer, x, ctx, scope); // (B, T, H)
        }
        return norm.forward(x); // (B, T, H)
    }

    /**
     * Runs one layer with its intermediates in a sub-manager that is closed right after, so a deep
     * forward holds one layer's temporaries at a time (autograd keeps what backward needs alive
     * natively); the input and output stay in {@code scope}.
     */
    private static NDArray forwardLayer(LlamaDecoderLayer layer, NDArray x, ForwardContext ctx, NDManager scope) {
        try (NDManager layerScope = scope.newSubManager()) {
            x.attach(layerScope);
            NDArray out = layer.forward(x, ctx); // (B, T, H)
            x.attach(scope);
            out.attach(scope);
            return out;
        }
    }

    /** RoPE tables and additive attention mask for one call, created in the manager of {@code inputIds}. */
    private ForwardContext context(NDArray inputIds, boolean[][] attentionMask, KvCache cache, LoraRouting lora, boolean training) {
        NDManager scope = inputIds.getManager();
        int b = (int) inputIds.getShape().get(0);
        int t = (int) inputIds.getShape().get(1);
        int past = cache == null ? 0 : (int) cache.length();
        int s = past + t;
        if (attentionMask != null && (attentionMask.length != b || attentionMask[0].length != s)) {
            throw new IllegalArgumentException("attention mask must be (" + b + ", " + s + ")");
        }
        long[][] positions = new long[b][t];
        float[] mask = new float[b * t * s];
        for (int r = 0; r < b; r++) {
            int seen = 0;
            for (int j = 0; j < s; j++) {
                boolean valid = attentionMask == null || attentionMask[r][j];
                if (j >= past) {
                    positions[r][j - past] = Math.max(0, seen);
                    int i = j - past;
                    for (int k = 0; k < s; k++) {
                        boolean allowed = k <= j && (attentionMask == null || attentionMask[r][k]);
                        mask[(r * t + i) * s + k] = allowed ? 0f : MASKED;
                    }
                }
                if (valid) {
                    seen++;
                }
            }
        }
        NDArray[] cs = rotary.cosSin(positions, scope);
        NDArray maskArray = scope.create(mask, new Shape(b, 1, t, s)); // (B, 1, T, S)
        return new ForwardContext(cs[0], cs[1], maskArray, cache, lora, training);
    }

    /** Mean loss over the labelled tokens of a batch and how many there were. */
    public record LossResult(double loss, int tokens) {}

    /**
     * Computes the next-token loss of a batch and accumulates {@code lossScale * dLoss/dParam} into
     * the {@code .grad} of every parameter that requires it, with per-layer activation checkpointing:
     * the forward pass keeps only each layer's input, the loss is computed in chunks of positions,
     * and each layer is recomputed with autograd during the backward sweep. Peak memory is one
     * layer's activations plus one chunk of logits instead of the whole graph, for about one extra
     * forward pass of compute. LoRA dropout draws the same masks in both passes because the mask
     * generator is reseeded per layer from {@code dropoutSeed}.
     *
     * <p>The embeddings must not require gradients (use the plain autograd path for full fine-tuning). Other base
     * weights may (a partial fine-tune of the top layers, the final norm or the head): the backward sweep then
     * stops at the lowest layer that has a trainable weight, and the inputs of the frozen layers below it are freed
     * during the forward pass.
     *
     * @param inputIds (B, T) in the caller's scope manager
     * @param labels (B, T) target ids, {@link Losses#IGNORE_INDEX} where no loss is taken
     * @param keptLayers how many of the top layers keep their autograd graph from the first pass instead of being
     *     recomputed (faster, at the memory of their activations; 0 recomputes every layer)
     */
    public LossResult checkpointedLossAndBackward(NDArray inputIds, boolean[][] attentionMask, long[][] labels,
            AdapterBatch adapters, float lossScale, long dropoutSeed, int lossChunk, int keptLayers) {
        if (embedTokens.hasGradient()) {
            throw new IllegalStateException("checkpointing cannot train the embeddings; use the plain autograd path");
        }
        NDManager scope = inputIds.getManager();
        LoraRouting lora = adapters == null ? null : adapters.routing();
        int n = layers.size();
        int firstTrained = lora != null ? 0 : firstLayerWithGradient();
        boolean needHiddenGrad = firstTrained < n || norm.weight.hasGradient();
        boolean previous = Torch.setGradMode(false);
        try {
            ForwardContext ctx = context(inputIds, attentionMask, null, lora, true);
            // Layers from firstKept up keep their autograd graph from the first pass instead of being recomputed.
            int firstKept = needHiddenGrad ? Math.max(firstTrained, n - Math.max(0, keptLayers)) : n;
            NDArray[] inputs = new NDArray[n + 1];
            inputs[0] = Torch.embedding(inputIds, embedTokens); // (B, T, H)
            for (int i = 0; i < n; i++) {
                Torch.seed(dropoutSeed + i);
                if (i == firstKept) {
                    if (firstKept > firstTrained) {
                        inputs[i].setRequiresGradient(true); // the checkpointed layers below need its gradient
                    }
                    Torch.setGradMode(true);
                }
                inputs[i + 1] = forwardLayer(layers.get(i), inputs[i], ctx, scope); // (B, T, H)
                if (i < firstTrained) {
                    inputs[i].close(); // below the lowest trained layer: never recomputed
                }
            }
            Torch.setGradMode(false);

            NDArray last = inputs[n];
            if (needHiddenGrad && firstKept == n) {
                last.setRequiresGradient(true);
            }
            NDArray hidden;
            NDArray hiddenGrad;
            try (NDManager headScope = scope.newSubManager()) {
                NDArray normed = norm.forward(last); // (B, T, H), without a graph: grad mode is off
                normed.attach(headScope);
                NDArray head = lmHead != null ? lmHead : embedTokens;
                // A frozen head's loss and gradient come from Losses.crossEntropyWithFrozenHead, without autograd.
                boolean frozenHead = needHiddenGrad && !head.hasGradient();
                if (needHiddenGrad && !frozenHead) {
                    normed.setRequiresGradient(true);
                }
                hidden = normed;
                NDArray flatHidden = frozenHead ? normed.reshape(-1, normed.getShape().get(2)) : null; // (B * T, H)
                NDArray flatGrad = frozenHead ? headScope.zeros(flatHidden.getShape()) : null; // (B * T, H)
                double lossSum = 0;
                int total = 0;
                for (long[] row : labels) {
                    for (long l : row) {
                        if (l != Losses.IGNORE_INDEX) {
                            total++;
                        }
                    }
                }
                if (total == 0) {
                    throw new IllegalArgumentException("no labelled positions in the batch");
                }
                int t = labels[0].length;
                int seen = 0;
                while (seen < total) {
                    long[][] chunk = new long[labels.length][t];
                    int taken = 0;
                    int index = 0;
                    for (int r = 0; r < labels.length; r++) {
                        for (int j = 0; j < t; j++) {
                            long l = labels[r][j];
                            boolean in = l != Losses.IGNORE_INDEX && index >= seen && index < seen + lossChunk;
                            if (l != Losses.IGNORE_INDEX) {
                                index++;
                            }
                            chunk[r][j] = in ? l : Losses.IGNORE_INDEX;
                            if (in) {
                                taken++;
                            }
                        }
                    }
                    if (frozenHead) {
                        lossSum += Losses.crossEntropyWithFrozenHead(head, flatHidden, chunk, lossScale / total, flatGrad);
                    } else {
                        try (NDManager chunkScope = headScope.newSubManager()) {
                            Torch.setGradMode(true);
                            NDArray view = hidden.reshape(hidden.getShape());
                            view.attach(chunkScope);
                            Losses.Result r = Losses.crossEntropy(this, view, chunk, false);
                            Torch.backward(Torch.mul(r.loss(), lossScale * taken / (float) total));
                            lossSum += r.loss().getFloat() * taken;
                            Torch.setGradMode(false);
                        }
                    }
                    seen += taken;
                }
                if (!needHiddenGrad) {
                    return new LossResult(lossSum / total, total); // only the head trains: no backward below it
                }
                hiddenGrad = frozenHead ? flatGrad.reshape(hidden.getShape()) : hidden.getGradient(); // (B, T, H)
                hiddenGrad.attach(scope);
                Torch.setGradMode(true);
                NDArray recomputed = norm.forward(last); // (B, T, H), now with a graph
                Torch.backward(recomputed, hiddenGrad);
                Torch.setGradMode(false);
                NDArray grad = null;
                if (firstKept == n) {
                    grad = last.getGradient();
                    grad.attach(scope);
                    last.setRequiresGradient(false);
                } else if (firstKept > firstTrained) {
                    grad = inputs[firstKept].getGradient();
                    grad.attach(scope);
                    inputs[firstKept].setRequiresGradient(false);
                }
                for (int i = firstKept - 1; i >= firstTrained; i--) {
                    try (NDManager layerScope = scope.newSubManager()) {
                        NDArray x = inputs[i];
                        boolean needInputGrad = i > firstTrained;
                        if (needInputGrad) {
                            x.setRequiresGradient(true);
                        }
                        Torch.setGradMode(true);
                        Torch.seed(dropoutSeed + i);
                        x.attach(layerScope);
                        NDArray out = layers.get(i).forward(x, ctx); // (B, T, H), with a graph; temporaries in layerScope
                        x.attach(scope);
                        Torch.backward(out, grad);
                        Torch.setGradMode(false);
                        grad.close();
                        if (needInputGrad) {
                            grad = x.getGradient();
                            grad.attach(scope);
                            x.setRequiresGradient(false);
                        } else {
                            grad = null;
                        }
                        inputs[i + 1].close();
                    }
                }
                return new LossResult(lossSum / total, total);
            }
        } finally {
            Torch.setGradMode(previous);
        }
    }

    /** Index of the lowest decoder layer with a weight that requires gradients; the layer count when none does. */
    private int firstLayerWithGradient() {
        List<String> trainable = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : stateDict().entrySet()) {
            if (e.getKey().startsWith("model.layers.") && e.getValue().hasGradient()) {
                trainable.add(e.getKey());
            }
        }
        return trainable.stream().mapToInt(PartialTuning::layerOf).min().orElse(layers.size());
    }

    /** Projects hidden states to vocabulary logits with {@code lm_head} (or the tied embedding). */
    NDArray logits(NDArray hidden) {
        return Torch.linear(hidden, lmHead != null ? lmHead : embedTokens, null); // (B, T, V)
    }

    /** Logits for generation: through the F16 head when the model runs inference in half precision. */
    NDArray inferenceLogits(NDArray hidden) {
        boolean fewRows = Linear.rows(hidden) <= Linear.HALF_MAX_ROWS;
        if (fewRows && headKernel != null && hidden.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
            return headKernel.forward(hidden, null, Torch.kernelThreads()); // (B, T, V)
        }
        if (fewRows && headHalf != null) {
            return Torch.linearHalf(hidden, headHalf, null); // (B, T, V)
        }
        return logits(hidden); // (B, T, V)
    }

    /**
     * Runs inference (generation, validation) with F16 copies of the projection and head weights, halving the
     * memory read per decoded token; training keeps using the F32 weights. The copies are Java arrays for the
     * vector kernels ({@link HalfProjection}) where those run, libtorch tensors otherwise. They snapshot the current
     * weights: call again after changing them. Costs half the model's F32 size in extra memory.
     */
    public synchronized void setHalfPrecisionInference(boolean enabled) {
        for (Linear linear : linears()) {
            closeHalf(linear.weightHalf);
            closeHalf(linear.biasHalf);
            linear.weightHalf = null;
            linear.biasHalf = null;
            linear.kernel = null;
            if (enabled) {
                halfCopies(linear);
            }
        }
        closeHalf(headHalf);
        headHalf = null;
        headKernel = null;
        if (enabled) {
            headHalfCopies(lmHead != null ? lmHead : embedTokens);
        }
        halfPrecision = enabled;
    }

    /** Gives the head its F16 copy: for the kernels, or in libtorch where they cannot serve it. */
    private void headHalfCopies(NDArray head) {
        headKernel = HalfProjection.copyOf(head, null);
        headHalf = headKernel == null ? half(head) : null;
    }

    /** Gives a projection its F16 copy: for the kernels, or in libtorch where they cannot serve it. */
    private void halfCopies(Linear linear) {
        linear.kernel = HalfProjection.copyOf(linear.weight, linear.bias);
        if (linear.kernel == null) {
            linear.weightHalf = half(linear.weight);
            linear.biasHalf = linear.bias == null ? null : half(linear.bias);
        }
    }

    /**
     * True when an inference forward over {@code rows} token rows in all multiplies with the vector kernels
     * ({@link HalfProjection}), which then should run on {@link DecodeThread}.
     */
    boolean decodesWithKernels(long rows) {
        return headKernel != null && rows <= Linear.HALF_MAX_ROWS && HalfProjection.available();
    }

    public boolean halfPrecisionInference() {
        return halfPrecision;
    }

    private NDArray half(NDArray weight) {
        NDArray copy = weight.toType(ai.djl.ndarray.types.DataType.FLOAT16, true);
        copy.attach(manager);
        return copy;
    }

    /** Closes a half-precision copy this model owns; copies shared with the model it was made from stay open. */
    private void closeHalf(NDArray array) {
        if (array != null && array.getManager() == manager) {
            array.close();
        }
    }

    /**
     * Full forward pass to logits, in the manager of {@code inputIds}.
     *
     * @param attentionMask (B, past + T) real-token flags, or null for all real
     * @param cache may be null; extended in place
     * @param adapters one entry per row (null entries use the base model), or null for no adapters
     * @return (B, T, V) logits
     */
    public NDArray forward(NDArray inputIds, boolean[][] attentionMask, KvCache cache, AdapterBatch adapters) {
        LoraRouting routing = adapters == null ? null : adapters.routing();
        return logits(hiddenStates(inputIds, attentionMask, cache, routing, false));
    }

    /**
     * Decoder stack and final norm, for training code that computes the loss itself (see {@link Losses}).
     *
     * @param inputIds (B, T) int64 in the caller's scope manager
     * @param attentionMask (B, T) real-token flags, or null for all real
     * @param adapters per-row adapters or null
     * @param training enables LoRA dropout
     * @return (B, T, H)
     */
    public NDArray hiddenStates(NDArray inputIds, boolean[][] attentionMask, AdapterBatch adapters, boolean training) {
        return hiddenStates(inputIds, attentionMask, null, adapters == null ? null : adapters.routing(), training);
    }

    /** A deep copy of this model (same config, weights copied, no autograd) under {@code parent}. */
    public LlamaForCausalLM copy(NDManager parent) {
        NDManager staging = parent.newSubManager();
        Map<String, NDArray> copied = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : stateDict().entrySet()) {
            copied.put(e.getKey(), staging.create(e.getValue().toFloatArray(), e.getValue().getShape()));
        }
        try {
            return fromStateDict(config, copied, parent, "copy");
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        } finally {
            staging.close();
        }
    }

    /** Overwrites this model's weights with {@code other}'s (same config). */
    public void copyWeightsFrom(LlamaForCausalLM other) {
        Map<String, NDArray> src = other.stateDict();
        for (Map.Entry<String, NDArray> e : stateDict().entrySet()) {
            e.getValue().set(src.get(e.getKey()).toFloatArray());
        }
    }

    /** Convenience for tests and tools: logits (B, T, V) for all-real token rows, in {@code scope}. */
    public NDArray forward(NDManager scope, long[][] ids) {
        NDArray input = scope.create(ids); // (B, T)
        return forward(input, null, null, null);
    }

    @Override
    public void close() {
        manager.close();
    }
}
