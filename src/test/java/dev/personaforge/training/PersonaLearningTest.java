package dev.personaforge.training;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.personaforge.model.Torch;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.model.SharedModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fine-tuning stories260k on 20 persona pairs: the loss falls and greedy generation reproduces the completions. */
class PersonaLearningTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    static final String SYSTEM = "You are Captain Pip, a cheerful pirate who loves the sea.";

    static List<TrainingExample> pairs() {
        String[][] qa = {
            {"What is your name?", "My name is Captain Pip, the happy pirate."},
            {"Where do you live?", "I live on a big red ship on the sea."},
            {"What do you eat?", "I eat fish and bread every day."},
            {"Do you have a pet?", "Yes, I have a green bird named Polly."},
            {"What is your ship called?", "My ship is called the Happy Wave."},
            {"What do you like?", "I like the sun, the wind and the waves."},
            {"Are you scared of storms?", "No, storms make me sing loud songs."},
            {"Who is your friend?", "My best friend is a kind whale named Bob."},
            {"What is your favorite color?", "My favorite color is red like my ship."},
            {"Do you find treasure?", "I find gold coins on little islands."},
            {"How old are you?", "I am forty years old and still young."},
            {"What do you do at night?", "At night I look at the stars and sleep."},
            {"Can you swim?", "Yes, I swim with the fish every morning."},
            {"What is your hat like?", "My hat is big and black with a feather."},
            {"Do you have a crew?", "I have a crew of ten funny sailors."},
            {"What song do you sing?", "I sing the song of the happy sea."},
            {"What do you drink?", "I drink milk and warm tea with honey."},
            {"Where is your map?", "My map is in a box under my bed."},
            {"Do you like cats?", "I love cats, and my ship has two cats."},
            {"What makes you happy?", "Sunny days and good friends make me happy."},
        };
        List<TrainingExample> out = new ArrayList<>();
        for (String[] p : qa) {
            out.add(new TrainingExample(SYSTEM, p[0], p[1]));
        }
        return out;
    }

    @Test
    void learnsTwentyPersonaPairs() throws Exception {
        Path dir = SharedModels.stories260k();
        assumeTrue(dir != null, "../shared/models/stories260k absent: skipping the learning test");
        List<TrainingExample> data = pairs();
        try (LanguageModel lm = LanguageModel.load(dir)) {
            // Full fine-tuning, not LoRA: stories260k never saw </s> in pre-training, so its (tied) embedding
            // row equals those of the other never-used tokens (<unk>, the byte tokens). Adapters on the seven
            // projections cannot move lm_head, so EOS cannot become separable from them; full fine-tuning can.
            TrainingConfig tc = TrainingConfig.defaults()
                    .withFullFineTune(true)
                    .withOptimizer(3e-3, 0.0, 5, TrainingConfig.Schedule.COSINE, 1.0)
                    .withBatching(20, 1, 128)
                    .withDuration(0, 60)
                    .withValidation(30, 0);
            long t0 = System.nanoTime();
            try (TrainingResult result = new Trainer(lm).train(tc, data, data, p -> {
                if (p.step() % 25 == 0) {
                    System.out.printf("step %d loss %.4f lr %.5f gnorm %.3f tok/s %.0f%n", p.step(), p.loss(), p.learningRate(), p.gradNorm(), p.tokensPerSecond());
                }
            }, () -> false)) {
                System.out.printf("validation loss before %.4f after %.4f (best %.4f at step %d), %.1f s%n",
                        result.initialValidation().loss(), result.finalValidation().loss(), result.bestValidation().loss(),
                        result.bestStep(), (System.nanoTime() - t0) / 1e9);
                List<Double> curve = result.lossCurve();
                assertTrue(curve.get(curve.size() - 1) < curve.get(0) * 0.2, "training loss must fall: " + curve.get(0) + " -> " + curve.get(curve.size() - 1));
                Generator gen = result.model() != null
                        ? new Generator(result.model(), lm.tokenizer(), lm.eosTokenIds()) : new Generator(lm);
                int exact = 0;
                List<GenerationRequest> reqs = new ArrayList<>();
                for (TrainingExample e : data) {
                    reqs.add(new GenerationRequest(lm.encodeChat(ExampleEncoder.promptMessages(e)), result.adapter(), SamplingParams.greedy(40)));
                }
                List<GenerationResult> outs = gen.generate(reqs, null, null);
                for (int i = 0; i < data.size(); i++) {
                    String got = outs.get(i).text().strip();
                    boolean ok = got.equals(data.get(i).completion());
                    if (ok) {
                        exact++;
                    } else {
                        System.out.println("MISS: '" + got + "' vs '" + data.get(i).completion() + "'");
                    }
                }
                System.out.println("exact completions: " + exact + "/20");
                assertTrue(exact >= 18, "only " + exact + "/20 completions reproduced");
            }
        }
    }
}
