package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A LoRA adapter for a base {@link LlamaForCausalLM}: per targeted projection, {@code lora_A} (r, in)
 * and {@code lora_B} (out, r), adding {@code scaling * B @ A @ x} to the projection's output.
 *
 * <p>Follows PEFT: A is kaiming-uniform (a = sqrt(5)), B is zero, so a fresh adapter changes nothing,
 * and {@link #save}/{@link #load} use PEFT's file names and tensor keys.
 */
public final class LoraAdapter implements AutoCloseable {

    /** PEFT's adapter weights file. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's adapter config file. */
    public static final String CONFIG_FILE = "adapter_config.json";
    private static final String KEY_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One adapted projection. B is held transposed: with {@code (r, out)} row-major, autograd computes its gradient
     * as {@code down.T @ grad}, which libtorch's CPU matmul runs about twice as fast as the {@code grad.T @ down}
     * that PEFT's {@code (out, r)} layout leads to.
     */
    static final class Pair {
        final NDArray a; // (r, in), PEFT's lora_A
        final NDArray bT; // (r, out), PEFT's lora_B transposed

        Pair(NDArray a, NDArray bT) {
            this.a = a;
            this.bT = bT;
        }
    }

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, Pair> modules;

    private LoraAdapter(LoraConfig config, NDManager manager, Map<String, Pair> modules) {
        this.config = config;
        this.manager = manager;
        this.modules = modules;
    }

    /** A fresh adapter (A kaiming-uniform from {@code seed}, B zeros) on the configured modules of {@code base}. */
    public static LoraAdapter create(LlamaForCausalLM base, LoraConfig config, long seed) {
        NDManager manager = base.manager().newSubManager();
        Random random = new Random(seed);
        Map<String, Pair> modules = new LinkedHashMap<>();
        for (Linear lin : base.linears()) {
            if (!config.targetModules().contains(lin.name)) {
                continue;
            }
            int in = (int) lin.inFeatures();
            int out = (int) lin.outFeatures();
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] a = new float[config.r() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (random.nextFloat() * 2 - 1) * bound;
            }
            NDArray aArr = manager.create(a, new Shape(config.r(), in));
            NDArray bArr = manager.zeros(new Shape(config.r(), out));
            modules.put(lin.path, new Pair(aArr, bArr));
        }
        return new LoraAdapter(config, manager, modules);
    }

    /** Hyper-parameters. */
    public LoraConfig config() {
        return config;
    }

    /** Module paths this adapter changes, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public List<String> modulePaths() {
        return List.copyOf(modules.keySet());
    }

    Pair pair(String modulePath) {
        return modules.get(modulePath);
    }

    /** The trainable tensors in a stable order: each module's A (r, in), then its B transposed (r, out). */
    public List<NDArray> parameters() {
        List<NDArray> out = new ArrayList<>();
        for (Pair p : modules.values()) {
            out.add(p.a);
            out.add(p.bT);
        }
        return out;
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return parameters().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Turns autograd on or off for A and B. */
    public void setRequiresGradient(boolean requiresGradient) {
        for (NDArray p : parameters()) {
            p.setRequiresGradient(requiresGradient);
        }
    }

    /** A detached copy (no autograd) in its own manager under {@code parent}, e.g. to keep the best checkpoint. */
    public LoraAdapter copy(NDManager parent) {
        NDManager m = parent.newSubManager();
        Map<String, Pair> copied = new LinkedHashMap<>();
        for (Map.Entry<String, Pair> e : modules.entrySet()) {
            copied.put(e.getKey(), new Pair(detachedCopy(e.getValue().a, m), detachedCopy(e.getValue().bT, m)));
        }
        return new LoraAdapter(config, m, copied);
    }

    private static NDArray detachedCopy(NDArray src, NDManager target) {
        return target.create(src.toFloatArray(), src.getShape());
    }

    /** A detached, contiguous copy of the 2-D {@code src} transposed, in {@code target}. */
    private static NDArray transposedCopy(NDArray src, NDManager target) {
        int rows = (int) src.getShape().get(0);
        int cols = (int) src.getShape().get(1);
        float[] v = src.toFloatArray();
        float[] t = new float[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return target.create(t, new Shape(cols, rows));
    }

    /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} in PEFT's format. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("r", config.r());
        c.put("lora_alpha", config.loraAlpha());
        c.put("lora_dropout", config.loraDropout());
        var targets = c.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        c.put("base_model_name_or_path", config.baseModelNameOrPath());
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("use_rslora", false);
        Files.writeString(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager tmp = manager.newSubManager()) {
            for (Map.Entry<String, Pair> e : modules.entrySet()) {
                tensors.put(KEY_PREFIX + e.getKey() + ".lora_A.weight", detachedCopy(e.getValue().a, tmp));
                tensors.put(KEY_PREFIX + e.getKey() + ".lora_B.weight", transposedCopy(e.getValue().bT, tmp));
            }
            SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, SafeTensors.Dtype.F32, Map.of("format", "pt"));
        }
    }

    /** Reads a PEFT LoRA adapter directory and checks it against {@code base}. */
    public static LoraAdapter load(Path dir, LlamaForCausalLM base) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        JsonNode c;
        try {
            c = JSON.readTree(Files.readString(configFile));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("missing file: " + configFile, e);
        }
        if (!"LORA".equals(c.path("peft_type").asText())) {
            throw new ModelLoadException(configFile + ": peft_type must be LORA, got '" + c.path("peft_type").asText() + "'");
        }
        checkSupported(configFile, c);
        List<String> targets = targetModules(configFile, c.path("target_modules"), base);
        LoraConfig config;
        try {
            config = new LoraConfig(c.path("r").asInt(), c.path("lora_alpha").asDouble(),
                    c.path("lora_dropout").asDouble(0), targets, c.path("base_model_name_or_path").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(configFile + ": " + e.getMessage(), e);
        }
        NDManager manager = base.manager().newSubManager();
        try {
            Map<String, NDArray> raw = SafeTensors.load(dir.resolve(WEIGHTS_FILE), manager, k -> true);
            Map<String, Pair> modules = new LinkedHashMap<>();
            for (Linear lin : base.linears()) {
                if (!config.targetModules().contains(lin.name)) {
                    continue;
                }
                String ka = KEY_PREFIX + lin.path + ".lora_A.weight";
                String kb = KEY_PREFIX + lin.path + ".lora_B.weight";
                NDArray a = raw.remove(ka);
                NDArray b = raw.remove(kb);
                if (a == null || b == null) {
                    throw new ModelLoadException(dir.resolve(WEIGHTS_FILE) + ": missing tensor " + (a == null ? ka : kb));
                }
                check(dir, ka, a, new long[] {config.r(), lin.inFeatures()});
                check(dir, kb, b, new long[] {lin.outFeatures(), config.r()});
                modules.put(lin.path, new Pair(a, transposedCopy(b, manager)));
                b.close();
            }
            if (!raw.isEmpty()) {
                throw new ModelLoadException(dir.resolve(WEIGHTS_FILE) + ": unexpected tensor " + raw.keySet().iterator().next());
            }
            return new LoraAdapter(config, manager, modules);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Refuses PEFT options this engine would silently get wrong, naming the field. */
    private static void checkSupported(Path configFile, JsonNode c) throws ModelLoadException {
        if (c.path("use_dora").asBoolean(false)) {
            throw new ModelLoadException(configFile + ": use_dora is true; DoRA adapters aren't supported, only plain LoRA");
        }
        if (c.path("use_rslora").asBoolean(false)) {
            throw new ModelLoadException(configFile + ": use_rslora is true; rank-stabilised scaling isn't supported");
        }
        if (!c.path("bias").asText("none").equals("none")) {
            throw new ModelLoadException(configFile + ": bias is '" + c.path("bias").asText() + "'; only 'none' is supported");
        }
        if (c.path("fan_in_fan_out").asBoolean(false)) {
            throw new ModelLoadException(configFile + ": fan_in_fan_out is true, which only GPT-2 style models use");
        }
        for (String field : List.of("rank_pattern", "alpha_pattern")) {
            if (c.path(field).isObject() && !c.path(field).isEmpty()) {
                throw new ModelLoadException(configFile + ": " + field + " gives modules their own rank or alpha; "
                        + "that isn't supported");
            }
        }
        for (String field : List.of("modules_to_save", "layers_to_transform")) {
            if (!c.path(field).isMissingNode() && !c.path(field).isNull()
                    && !(c.path(field).isArray() && c.path(field).isEmpty())) {
                throw new ModelLoadException(configFile + ": " + field + " is set; adapters that also train or skip "
                        + "whole modules aren't supported");
            }
        }
    }

    /**
     * The module names {@code target_modules} selects, as PEFT reads it: a list of names, {@code "all-linear"}, or a
     * regular expression matched against each projection's full path.
     */
    private static List<String> targetModules(Path configFile, JsonNode tm, LlamaForCausalLM base)
            throws ModelLoadException {
        List<String> targets = new ArrayList<>();
        if (tm.isArray()) {
            tm.forEach(n -> targets.add(n.asText()));
        } else if (tm.isTextual() && tm.asText().equals("all-linear")) {
            targets.addAll(LoraConfig.ALL_LINEAR);
        } else if (tm.isTextual() && tm.asText().matches("[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*")) {
            targets.addAll(Arrays.asList(tm.asText().split(",")));
        } else if (tm.isTextual()) {
            java.util.regex.Pattern pattern;
            try {
                pattern = java.util.regex.Pattern.compile(tm.asText());
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ModelLoadException(configFile + ": target_modules '" + tm.asText() + "' is not a valid "
                        + "regular expression", e);
            }
            for (Linear lin : base.linears()) {
                if (pattern.matcher(lin.path).matches() && !targets.contains(lin.name)) {
                    targets.add(lin.name);
                }
            }
        }
        if (targets.isEmpty()) {
            throw new ModelLoadException(configFile + ": target_modules selects none of the model's projections");
        }
        return targets;
    }

    private static void check(Path dir, String key, NDArray t, long[] expected) throws ModelLoadException {
        if (!Arrays.equals(t.getShape().getShape(), expected)) {
            throw new ModelLoadException(dir.resolve(WEIGHTS_FILE) + ": tensor " + key + " has shape "
                    + Arrays.toString(t.getShape().getShape()) + ", expected " + Arrays.toString(expected));
        }
    }

    /** Adds {@code scaling * B @ A} into every adapted projection of {@code base}, in place. */
    public void mergeInto(LlamaForCausalLM base) {
        float scaling = (float) config.scaling();
        for (Linear lin : base.linears()) {
            Pair p = modules.get(lin.path);
            if (p == null) {
                continue;
            }
            try (NDManager tmp = manager.newSubManager()) {
                NDArray a = detachedCopy(p.a, tmp);
                NDArray b = transposedCopy(p.bT, tmp); // (out, r)
                NDArray delta = b.matMul(a).mul(scaling); // (out, in)
                float[] merged = lin.weight.toFloatArray();
                float[] d = delta.toFloatArray();
                for (int i = 0; i < merged.length; i++) {
                    merged[i] += d[i];
                }
                lin.weight.set(merged);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
