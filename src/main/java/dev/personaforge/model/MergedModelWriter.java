package dev.personaforge.model;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a standalone Hugging Face model directory from a base model and the changed tensors of a partial
 * fine-tune ({@link PartialWeights}): {@code config.json} ({@code tie_word_embeddings: false} when the head was
 * untied), one F32 {@code model.safetensors} with every tensor, and the base's tokenizer, tokenizer config,
 * generation config, special tokens map and chat template copied. The result loads with {@link LanguageModel#load}
 * or {@code transformers.AutoModelForCausalLM.from_pretrained} and gives the same logits as the base with the changed
 * tensors swapped in.
 *
 * <p>Memory: the base weights are held once in F32 while writing. Neither input directory is modified.
 */
public final class MergedModelWriter {

    static {
        Torch.init();
    }

    private MergedModelWriter() {
    }

    /**
     * Merges from disk: loads the base weights from {@code baseModelDir} and the changed tensors from
     * {@code partialDir}, and writes the merged model to {@code outDir} (created if needed; existing files of the same
     * names are replaced).
     *
     * @param baseModelDir the base model directory the partial run was trained on
     * @param partialDir a directory written by {@link PartialWeights#save}
     * @throws ModelLoadException naming the file and problem when either input is missing, corrupt or does not fit
     */
    public static void write(Path baseModelDir, Path partialDir, Path outDir) throws IOException {
        if (!Files.isDirectory(baseModelDir)) {
            throw new ModelLoadException("model directory does not exist: " + baseModelDir);
        }
        LlamaConfig config = LlamaConfig.load(baseModelDir.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM base = LanguageModel.loadWeights(baseModelDir, config, manager);
                PartialWeights partial = PartialWeights.load(partialDir, manager)) {
            write(base, baseModelDir, partial, outDir);
        }
    }

    /**
     * Merges with a base model already in memory (its weights are shared, not changed).
     *
     * @param base the loaded base weights
     * @param baseModelDir where the tokenizer and generation files are copied from
     * @param partial the changed tensors
     */
    public static void write(LlamaForCausalLM base, Path baseModelDir, PartialWeights partial, Path outDir)
            throws IOException {
        try (LlamaForCausalLM merged = partial.applyTo(base)) {
            LanguageModel.saveModel(merged, baseModelDir, outDir);
        }
    }
}
