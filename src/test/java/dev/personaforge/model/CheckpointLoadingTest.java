package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading Hugging Face directories in F32, F16, BF16 and sharded form, and every loading error. */
class CheckpointLoadingTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    @TempDir
    Path tmp;

    private void assertLoadsExactly(LlamaConfig config, SafeTensors.Dtype dtype, boolean sharded) throws IOException {
        Path dir = tmp.resolve(config.architecture() + "-" + dtype + "-" + sharded);
        Map<String, float[]> written = TinyCheckpoints.write(dir, config, dtype, sharded, 7);
        try (LanguageModel lm = LanguageModel.load(dir)) {
            assertEquals(config, lm.config());
            var sd = lm.model().stateDict();
            assertEquals(written.keySet(), sd.keySet());
            for (var e : written.entrySet()) {
                assertArrayEquals(e.getValue(), sd.get(e.getKey()).toFloatArray(), 0f, e.getKey());
            }
            assertArrayEquals(new long[] {3, 4, 63}, lm.tokenizer().encode("w3 w4 w63", false));
            assertEquals(List.of(2), lm.eosTokenIds());
        }
    }

    @Test
    void loadsF32SingleFileForEveryArchitecture() throws IOException {
        for (LlamaConfig c : TinyCheckpoints.all()) {
            assertLoadsExactly(c, SafeTensors.Dtype.F32, false);
        }
    }

    @Test
    void loadsBf16AndF16ConvertedToF32() throws IOException {
        assertLoadsExactly(TinyCheckpoints.llama(), SafeTensors.Dtype.BF16, false);
        assertLoadsExactly(TinyCheckpoints.qwen2(), SafeTensors.Dtype.F16, false);
    }

    @Test
    void loadsShardedCheckpoint() throws IOException {
        assertLoadsExactly(TinyCheckpoints.mistral(), SafeTensors.Dtype.BF16, true);
        assertLoadsExactly(TinyCheckpoints.llama(), SafeTensors.Dtype.F32, true);
    }

    @Test
    void halfPrecisionConversionHandlesSpecialValues() {
        assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xC000));
        assertEquals(5.9604645e-8f, SafeTensors.halfToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7C00));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7E00)));
        assertEquals(65504f, SafeTensors.halfToFloat(SafeTensors.floatToHalf(65504f)));
    }

    private Path validDir(String name) throws IOException {
        Path dir = tmp.resolve(name);
        TinyCheckpoints.write(dir, TinyCheckpoints.llama(), SafeTensors.Dtype.F32, false, 1);
        return dir;
    }

    private static String loadError(Path dir) {
        return assertThrows(ModelLoadException.class, () -> LanguageModel.load(dir).close()).getMessage();
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        Path dir = validDir("gpt2");
        String cfg = Files.readString(dir.resolve("config.json")).replace("LlamaForCausalLM", "GPT2LMHeadModel");
        Files.writeString(dir.resolve("config.json"), cfg);
        String msg = loadError(dir);
        assertTrue(msg.contains("GPT2LMHeadModel") && msg.contains("architectures"), msg);
    }

    @Test
    void invalidConfigFieldIsNamed() throws IOException {
        Path dir = validDir("badheads");
        String cfg = Files.readString(dir.resolve("config.json")).replace("\"num_key_value_heads\" : 2", "\"num_key_value_heads\" : 3");
        Files.writeString(dir.resolve("config.json"), cfg);
        String msg = loadError(dir);
        assertTrue(msg.contains("num_key_value_heads"), msg);
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path dir = validDir("nofiles");
        Files.delete(dir.resolve("model.safetensors"));
        assertTrue(loadError(dir).contains("model.safetensors"));
        Path dir2 = validDir("noconfig");
        Files.delete(dir2.resolve("config.json"));
        assertTrue(loadError(dir2).contains("config.json"));
        Path dir3 = validDir("notok");
        Files.delete(dir3.resolve("tokenizer.json"));
        assertTrue(loadError(dir3).contains("tokenizer.json"));
        Path dir4 = tmp.resolve("shards");
        TinyCheckpoints.write(dir4, TinyCheckpoints.llama(), SafeTensors.Dtype.F32, true, 1);
        Files.delete(dir4.resolve("model-00002-of-00002.safetensors"));
        assertTrue(loadError(dir4).contains("model-00002-of-00002.safetensors"));
        assertTrue(loadError(tmp.resolve("does-not-exist")).contains("does-not-exist"));
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        Path dir = validDir("truncated");
        Path file = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        String msg = loadError(dir);
        assertTrue(msg.contains("truncated") && msg.contains("model.safetensors"), msg);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        assertTrue(loadError(dir).contains("truncated"));
    }

    @Test
    void wrongShapeAndMissingTensorAreNamed() throws IOException {
        Path dir = tmp.resolve("shape");
        TinyCheckpoints.write(dir, TinyCheckpoints.llama(), SafeTensors.Dtype.F32, false, 1);
        LlamaConfig bigger = new LlamaConfig("LlamaForCausalLM", 32, 50, 2, 4, 2, 16, TinyCheckpoints.VOCAB, 256, 1e-5,
                500000.0, TinyCheckpoints.llama().ropeScaling(), false, false, false, false, 1, List.of(2));
        bigger.save(dir.resolve("config.json"));
        String msg = loadError(dir);
        assertTrue(msg.contains("mlp.gate_proj.weight") && msg.contains("[48, 32]") && msg.contains("[50, 32]"), msg);
        LlamaConfig biased = new LlamaConfig("LlamaForCausalLM", 32, 48, 2, 4, 2, 16, TinyCheckpoints.VOCAB, 256, 1e-5,
                500000.0, TinyCheckpoints.llama().ropeScaling(), false, true, true, false, 1, List.of(2));
        biased.save(dir.resolve("config.json"));
        String msg2 = loadError(dir);
        assertTrue(msg2.contains("missing tensor") && msg2.contains("q_proj.bias"), msg2);
    }
}
