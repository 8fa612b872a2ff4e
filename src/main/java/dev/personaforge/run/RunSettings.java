package dev.personaforge.run;

import dev.personaforge.common.Problems;
import dev.personaforge.common.ValidationException;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.PartialTuning;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hyperparameters of a fine-tuning run as a person sets them. Missing values come from the chosen preset
 * ({@code quick}, {@code balanced}, {@code thorough} or {@code feature-extraction}); {@link #resolve(double)} fills
 * them and checks every field, {@link #checkAgainst(LlamaConfig)} the ones that depend on the base model.
 *
 * <p>Methods: {@code lora} (an adapter), {@code full} (every weight), {@code top-layers} (the last
 * {@code topLayers} decoder layers, the final norm and an untied head) and {@code feature-extraction} (only the
 * output head, untied from the embeddings when they are tied).
 *
 * @param topLayers decoder layers trained from the top, for {@code top-layers} only (null for other methods)
 */
public record RunSettings(
        String preset,
        String method,
        Integer epochs,
        Double learningRate,
        Integer batchSize,
        Integer gradientAccumulation,
        Integer maxLength,
        Integer loraRank,
        Double loraAlpha,
        Double loraDropout,
        List<String> targetModules,
        Double weightDecay,
        Integer warmupSteps,
        Double validationRatio,
        Integer patience,
        Integer evalEvery,
        Long seed,
        Integer topLayers) {

    public static final List<String> ALL_MODULES =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    public static final List<String> PRESETS = List.of("quick", "balanced", "thorough", "feature-extraction");
    public static final List<String> METHODS = List.of("lora", "full", "top-layers", "feature-extraction");
    /** Layers trained by {@code top-layers} when the person does not say. */
    public static final int DEFAULT_TOP_LAYERS = 2;

    /** The complete settings of a preset; the validation ratio is the persona's. */
    public static RunSettings preset(String name, double personaValidationRatio) {
        return switch (name == null ? "balanced" : name) {
            case "quick" -> new RunSettings("quick", "lora", 2, 3e-4, 8, 1, 256, 8, 16.0, 0.05, ALL_MODULES, 0.0,
                    5, personaValidationRatio, 0, 10, 42L, null);
            case "thorough" -> new RunSettings("thorough", "lora", 8, 1e-4, 8, 2, 1024, 32, 64.0, 0.1, ALL_MODULES,
                    0.01, 20, personaValidationRatio, 5, 20, 42L, null);
            // only the head trains: no weight decay, which would shrink every logit
            case "feature-extraction" -> new RunSettings("feature-extraction", "feature-extraction", 4, 3e-4, 8, 1, 512,
                    16, 32.0, 0.05, ALL_MODULES, 0.0, 10, personaValidationRatio, 3, 20, 42L, null);
            default -> new RunSettings("balanced", "lora", 4, 2e-4, 8, 1, 512, 16, 32.0, 0.05, ALL_MODULES, 0.01,
                    10, personaValidationRatio, 3, 20, 42L, null);
        };
    }

    /** These settings with every missing value taken from the preset, checked field by field. */
    public RunSettings resolve(double personaValidationRatio) {
        Problems problems = new Problems();
        String presetName = preset == null || preset.isBlank() ? "balanced" : preset.strip().toLowerCase(Locale.ROOT);
        if (!PRESETS.contains(presetName)) {
            problems.add("preset", "\"" + preset + "\" is not a preset; use quick, balanced, thorough or feature-extraction");
            presetName = "balanced";
        }
        RunSettings p = preset(presetName, personaValidationRatio);
        String m = method == null || method.isBlank() ? p.method : method.strip().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            problems.add("method", "\"" + method + "\" is not a method; use lora, full, top-layers or feature-extraction");
        }
        RunSettings r = new RunSettings(presetName, m,
                or(epochs, p.epochs), or(learningRate, p.learningRate), or(batchSize, p.batchSize),
                or(gradientAccumulation, p.gradientAccumulation), or(maxLength, p.maxLength), or(loraRank, p.loraRank),
                or(loraAlpha, p.loraAlpha), or(loraDropout, p.loraDropout),
                targetModules == null || targetModules.isEmpty() ? p.targetModules : normalizeModules(targetModules),
                or(weightDecay, p.weightDecay), or(warmupSteps, p.warmupSteps), or(validationRatio, p.validationRatio),
                or(patience, p.patience), or(evalEvery, p.evalEvery), or(seed, p.seed),
                "top-layers".equals(m) ? or(topLayers, DEFAULT_TOP_LAYERS) : null);
        r.check(problems);
        problems.throwIfAny();
        return r;
    }

    public boolean fullFineTune() {
        return "full".equals(method);
    }

    /** The partial method of a {@code top-layers} or {@code feature-extraction} run; null for LoRA and full. */
    public PartialTuning partialTuning() {
        if ("top-layers".equals(method)) {
            return PartialTuning.topLayers(topLayers == null ? DEFAULT_TOP_LAYERS : topLayers);
        }
        return "feature-extraction".equals(method) ? PartialTuning.featureExtraction() : null;
    }

    /**
     * Checks the settings that depend on the base model ({@code topLayers} at most its number of layers).
     *
     * @throws ValidationException naming the field and the limit
     */
    public void checkAgainst(LlamaConfig base) {
        if (topLayers != null && topLayers > base.numHiddenLayers()) {
            throw ValidationException.of("topLayers", "must be between 1 and " + base.numHiddenLayers()
                    + " (the base model has " + base.numHiddenLayers() + " layers), not " + topLayers);
        }
    }

    /** Values this run's optimizer updates on {@code base}, for every method. */
    public long trainableParameters(LlamaConfig base) {
        PartialTuning partial = partialTuning();
        if (partial != null) {
            return partial.trainableParameters(base);
        }
        return fullFineTune() ? base.parameterCount()
                : dev.personaforge.basemodel.LoraSize.parameters(base, loraRank, targetModules);
    }

    /** "LoRA (rank 8)", "full", "top 2 layers", "feature extraction": the method in words. */
    public String methodLabel() {
        PartialTuning partial = partialTuning();
        if (partial != null) {
            return partial.describe();
        }
        return fullFineTune() ? "full" : "LoRA (rank " + loraRank + ")";
    }

    private void check(Problems problems) {
        range(problems, "epochs", epochs, 1, 100);
        range(problems, "learningRate", learningRate, 1e-7, 1.0);
        range(problems, "batchSize", batchSize, 1, 64);
        range(problems, "gradientAccumulation", gradientAccumulation, 1, 64);
        range(problems, "maxLength", maxLength, 16, 8192);
        range(problems, "loraRank", loraRank, 1, 256);
        range(problems, "loraAlpha", loraAlpha, 0.01, 1024);
        range(problems, "loraDropout", loraDropout, 0.0, 0.9);
        range(problems, "weightDecay", weightDecay, 0.0, 1.0);
        range(problems, "warmupSteps", warmupSteps, 0, 10_000);
        range(problems, "validationRatio", validationRatio, 0.0, 0.5);
        range(problems, "patience", patience, 0, 100);
        range(problems, "evalEvery", evalEvery, 1, 10_000);
        if (topLayers != null && topLayers < 1) {
            problems.add("topLayers", "must be between 1 and the base model's number of layers, not " + topLayers);
        }
        Set<String> unknown = new java.util.TreeSet<>(targetModules);
        unknown.removeAll(ALL_MODULES);
        if (!unknown.isEmpty()) {
            problems.add("targetModules", "unknown module " + String.join(", ", unknown) + "; choose from "
                    + String.join(", ", ALL_MODULES));
        }
    }

    private static List<String> normalizeModules(List<String> modules) {
        return modules.stream().flatMap(m -> java.util.Arrays.stream(m.split(",")))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static void range(Problems problems, String field, Number value, double min, double max) {
        double v = value.doubleValue();
        if (!(v >= min && v <= max)) {
            problems.add(field, "must be between " + plain(min) + " and " + plain(max) + ", not " + plain(v));
        }
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
