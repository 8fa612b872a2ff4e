package dev.personaforge.web;

import dev.personaforge.run.RunSettings;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** The fine-tuning settings form as posted by the browser; blank fields take the preset's value. */
public class RunForm {

    @RestForm
    public String preset;
    @RestForm
    public String method;
    @RestForm
    public String epochs;
    @RestForm
    public String learningRate;
    @RestForm
    public String batchSize;
    @RestForm
    public String gradientAccumulation;
    @RestForm
    public String maxLength;
    @RestForm
    public String loraRank;
    @RestForm
    public String loraAlpha;
    @RestForm
    public String loraDropout;
    @RestForm
    public List<String> targetModules;
    @RestForm
    public String weightDecay;
    @RestForm
    public String warmupSteps;
    @RestForm
    public String validationRatio;
    @RestForm
    public String patience;
    @RestForm
    public String evalEvery;
    @RestForm
    public String seed;
    /** The number of folds when the form starts a cross-validation instead of a run. */
    @RestForm
    public String k;
    @RestForm
    public String topLayers;

    /** The form filled with a preset's values, as first shown. */
    static RunForm of(RunSettings s) {
        RunForm f = new RunForm();
        f.preset = s.preset();
        f.method = s.method();
        f.epochs = String.valueOf(s.epochs());
        f.learningRate = String.valueOf(s.learningRate());
        f.batchSize = String.valueOf(s.batchSize());
        f.gradientAccumulation = String.valueOf(s.gradientAccumulation());
        f.maxLength = String.valueOf(s.maxLength());
        f.loraRank = String.valueOf(s.loraRank());
        f.loraAlpha = String.valueOf(s.loraAlpha());
        f.loraDropout = String.valueOf(s.loraDropout());
        f.targetModules = s.targetModules();
        f.weightDecay = String.valueOf(s.weightDecay());
        f.warmupSteps = String.valueOf(s.warmupSteps());
        f.validationRatio = String.valueOf(s.validationRatio());
        f.patience = String.valueOf(s.patience());
        f.evalEvery = String.valueOf(s.evalEvery());
        f.seed = String.valueOf(s.seed());
        f.topLayers = String.valueOf(s.topLayers() == null ? RunSettings.DEFAULT_TOP_LAYERS : s.topLayers());
        return f;
    }

    RunSettings toSettings() {
        return new RunSettings(preset, method, integer("epochs", epochs), FormNumbers.parseDouble("learningRate", learningRate),
                integer("batchSize", batchSize), integer("gradientAccumulation", gradientAccumulation),
                integer("maxLength", maxLength), integer("loraRank", loraRank),
                FormNumbers.parseDouble("loraAlpha", loraAlpha), FormNumbers.parseDouble("loraDropout", loraDropout),
                targetModules, FormNumbers.parseDouble("weightDecay", weightDecay), integer("warmupSteps", warmupSteps),
                FormNumbers.parseDouble("validationRatio", validationRatio), integer("patience", patience),
                integer("evalEvery", evalEvery), FormNumbers.parseLong("seed", seed), integer("topLayers", topLayers));
    }

    /** The number of folds typed, or null when blank. */
    Integer folds() {
        return integer("k", k);
    }

    public boolean targets(String module) {
        return targetModules != null && targetModules.contains(module);
    }

    private static Integer integer(String field, String text) {
        Long value = FormNumbers.parseLong(field, text);
        if (value == null) {
            return null;
        }
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw dev.personaforge.common.ValidationException.of(field, "\"" + text + "\" is too large");
        }
        return value.intValue();
    }
}
