package dev.personaforge.run;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.dataset.TokenizerLookup;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.PartialTuning;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.training.MemoryEstimate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** The pre-flight estimate shown before a run starts. */
@ApplicationScoped
public class RunEstimator {

    /** Tokens a chat template adds around each example (roles, separators), a typical figure. */
    static final int TEMPLATE_TOKENS = 12;

    @Inject
    PersonaService personas;

    @Inject
    RunService runs;

    @Inject
    BaseModelRegistry models;

    @Inject
    TokenizerLookup tokenizers;

    /** Sustained training throughput of this machine's CPU in FLOP/s, used for the time estimate. */
    @ConfigProperty(name = "forge.training.flops-per-second", defaultValue = "60e9")
    double flopsPerSecond;

    public RunEstimate estimate(long personaId, RunSettings requested) {
        Persona persona = personas.get(personaId);
        RunSettings s = requested.resolve(persona.validationRatio);
        List<RunService.Snapshot> snapshot = runs.snapshot(persona, s.validationRatio());
        int validation = (int) snapshot.stream().filter(RunService.Snapshot::validation).count();
        int train = snapshot.size() - validation;
        int stepsPerEpoch = (int) Math.ceil(train / (double) (s.batchSize() * s.gradientAccumulation()));
        int totalSteps = stepsPerEpoch * s.epochs();
        List<String> notes = new ArrayList<>();
        if (snapshot.size() < RunService.MIN_PAIRS) {
            notes.add("Training needs at least " + RunService.MIN_PAIRS + " pairs with text on both sides; this persona has "
                    + snapshot.size() + ".");
        }
        Optional<ToIntFunction<String>> counter = tokenizers.counterFor(persona.baseModel);
        Long tokens = null;
        int longest = 0;
        if (counter.isPresent()) {
            int system = persona.systemPrompt == null ? 0 : counter.get().applyAsInt(persona.systemPrompt);
            long sum = 0;
            for (RunService.Snapshot p : snapshot) {
                if (!p.validation()) {
                    int n = Math.min(s.maxLength(), system + TEMPLATE_TOKENS + counter.get().applyAsInt(p.prompt())
                            + counter.get().applyAsInt(p.completion()));
                    sum += n;
                    longest = Math.max(longest, n);
                }
            }
            tokens = sum;
        }
        Optional<Path> dir = models.directory(persona.baseModel);
        if (dir.isEmpty()) {
            notes.add("The base model is not on this machine yet: time and memory are estimated once it is downloaded.");
            return new RunEstimate(train, validation, tokens, stepsPerEpoch, totalSteps, null, null, null, null, null,
                    null, notes, null);
        }
        LlamaConfig config;
        try {
            config = LlamaConfig.load(dir.get().resolve("config.json"));
        } catch (IOException | RuntimeException e) {
            notes.add("The base model's config.json cannot be read: " + e.getMessage());
            return new RunEstimate(train, validation, tokens, stepsPerEpoch, totalSteps, null, null, null, null, null,
                    null, notes, null);
        }
        s.checkAgainst(config);
        long total = config.parameterCount();
        long trainable = s.trainableParameters(config);
        PartialTuning partial = s.partialTuning();
        Long seconds = null;
        if (tokens != null) {
            // forward over every weight, then backward: through all weights for full fine-tuning and LoRA (whose
            // activation gradients cross every layer); for a partial method only through the trained weights,
            // which are also recomputed once by the checkpointed backward
            double flopsPerToken = s.fullFineTune() ? 6.0 * total : partial != null ? 2.0 * total + 6.0 * trainable
                    : 4.0 * total;
            seconds = Math.round(tokens * (double) s.epochs() * flopsPerToken / flopsPerSecond);
        } else {
            notes.add("Token counts need the base model's tokenizer.json.");
        }
        int seqLen = Math.max(16, Math.min(s.maxLength(), longest == 0 ? s.maxLength() : longest));
        MemoryEstimate memory = partial != null
                ? MemoryEstimate.partial(config, partial, (long) s.batchSize() * seqLen, seqLen, s.batchSize(), 0)
                : MemoryEstimate.training(config, trainable, s.fullFineTune(), (long) s.batchSize() * seqLen, seqLen,
                        s.batchSize(), 0);
        if (!memory.fits()) {
            notes.add("This run would not fit in memory: it " + memory.describe()
                    + ". Lower the batch size or max length, or use LoRA.");
        }
        if (partial != null && partial.untiesHead(config)) {
            notes.add("This model ties its output head to the input embeddings: feature extraction gives the tuned model "
                    + "a head of its own, copied from the embeddings, so the embeddings stay unchanged.");
        }
        return new RunEstimate(train, validation, tokens, stepsPerEpoch, totalSteps, trainable, total, seconds,
                memory.requiredBytes(), memory.availableBytes(), memory.fits(), notes,
                ParameterShare.describe(trainable, total));
    }
}
