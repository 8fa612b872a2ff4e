package dev.personaforge.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFactsTest {

    @TempDir
    Path root;

    @Test
    void readsArchitectureShapeAndParametersFromATinyModel() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("tiny"));
        Files.writeString(dir.resolve("README.md"), TestModels.readme("language: en\nlicense: apache-2.0\ntags:\n- test"));

        ModelFacts facts = ModelFacts.read(dir);

        assertEquals("LlamaForCausalLM", facts.architecture());
        assertEquals("llama", facts.modelType());
        assertEquals(TestModels.TINY_PARAMETERS, facts.parameterCount());
        assertEquals(8, facts.hiddenSize());
        assertEquals(2, facts.layers());
        assertEquals(4, facts.attentionHeads());
        assertEquals(2, facts.kvHeads());
        assertEquals(2048, facts.contextLength());
        assertEquals(16, facts.vocabSize());
        assertEquals(Boolean.TRUE, facts.tiedEmbeddings());
        assertEquals("bfloat16", facts.torchDtype());
        assertEquals(Boolean.TRUE, facts.chatTemplate());
        assertEquals(Files.size(dir.resolve("model.safetensors")), facts.weightsBytes());
        assertTrue(facts.sizeOnDisk() > facts.weightsBytes());
        assertTrue(facts.unknown().isEmpty(), facts.unknown().toString());
        assertEquals("apache-2.0", facts.licence().id());
        assertEquals(LicenceInfo.Source.MODEL_CARD, facts.licence().source());
        assertNull(facts.licence().warning());
    }

    @Test
    void chatTemplateFromListOrJinjaFileOrNone() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("tiny"));
        Files.writeString(dir.resolve("tokenizer_config.json"), TestModels.TOKENIZER_CONFIG_WITHOUT_TEMPLATE);
        assertEquals(Boolean.FALSE, ModelFacts.read(dir).chatTemplate());

        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"default\", \"template\": \"{{ messages }}\"}, {\"name\": \"tool_use\", \"template\": \"x\"}]}");
        assertEquals(Boolean.TRUE, ModelFacts.read(dir).chatTemplate());

        Files.writeString(dir.resolve("tokenizer_config.json"), TestModels.TOKENIZER_CONFIG_WITHOUT_TEMPLATE);
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ messages }}");
        assertEquals(Boolean.TRUE, ModelFacts.read(dir).chatTemplate());
    }

    @Test
    void licenceOtherWithLlamaNameWarnsAboutTheCommunityLicence() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("llama"));
        Files.writeString(dir.resolve("README.md"), TestModels.readme(
                "license: other\nlicense_name: llama3.2\nlicense_link: https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/LICENSE.txt"));

        LicenceInfo licence = ModelFacts.read(dir).licence();

        assertEquals("llama3.2", licence.id());
        assertEquals("Llama 3.2 Community License", licence.displayName());
        assertTrue(licence.warning().contains("700 million monthly active users"), licence.warning());
        assertTrue(licence.warning().contains("Acceptable Use Policy"), licence.warning());
        assertTrue(licence.link().endsWith("LICENSE.txt"));
    }

    @Test
    void noLicenceAnywhereIsUnknownWithAWarning() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("anon"));
        Files.writeString(dir.resolve("README.md"), "# No front matter here\n");

        LicenceInfo licence = ModelFacts.read(dir).licence();

        assertNull(licence.id());
        assertEquals(LicenceInfo.Source.UNKNOWN, licence.source());
        assertEquals("unknown", licence.source().label());
        assertNotNull(licence.warning());
        assertFalse(licence.isPermissive());
    }

    @Test
    void licenceFileIsRecognisedWhenTheCardSaysNothing() throws IOException {
        Path dir = TestModels.writeTinyModel(root.resolve("mit"));
        Files.writeString(dir.resolve("LICENSE.txt"), "MIT License\n\nCopyright (c) 2024 Acme\n\nPermission is hereby "
                + "granted, free of charge, to any person obtaining a copy\nof this software...");

        LicenceInfo licence = ModelFacts.read(dir).licence();

        assertEquals("mit", licence.id());
        assertEquals(LicenceInfo.Source.LICENSE_FILE, licence.source());
        assertTrue(licence.isPermissive());
    }

    @Test
    void parametersAreSummedAcrossShards() throws IOException {
        Path dir = Files.createDirectories(root.resolve("sharded"));
        Files.writeString(dir.resolve("config.json"), TestModels.CONFIG);
        Files.write(dir.resolve("model-00001-of-00002.safetensors"),
                TestModels.safetensors(Map.of("a", new long[]{3, 4}, "b", new long[]{5}), 1));
        Files.write(dir.resolve("model-00002-of-00002.safetensors"),
                TestModels.safetensors(Map.of("c", new long[]{2, 2, 2}), 2));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                + " \"b\": \"model-00001-of-00002.safetensors\", \"c\": \"model-00002-of-00002.safetensors\"}}");

        ModelFacts facts = ModelFacts.read(dir);

        assertEquals(12 + 5 + 8, facts.parameterCount());
        assertTrue(facts.whyUnknown(ModelFacts.Fact.CHAT_TEMPLATE).orElseThrow().contains("tokenizer_config.json"));

        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelFacts missingShard = ModelFacts.read(dir);
        assertNull(missingShard.parameterCount());
        assertTrue(missingShard.whyUnknown(ModelFacts.Fact.PARAMETER_COUNT).orElseThrow()
                .contains("model-00002-of-00002.safetensors"));
    }

    @Test
    void unreadableFactsAreAbsentWithTheirReason() throws IOException {
        Path dir = Files.createDirectories(root.resolve("bare"));
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 896}");
        Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});

        ModelFacts facts = ModelFacts.read(dir);

        assertEquals(896, facts.hiddenSize());
        assertNull(facts.kvHeads());
        assertTrue(facts.whyUnknown(ModelFacts.Fact.KV_HEADS).orElseThrow().contains("num_key_value_heads"));
        assertNull(facts.tiedEmbeddings());
        assertTrue(facts.whyUnknown(ModelFacts.Fact.CONTEXT_LENGTH).orElseThrow().contains("max_position_embeddings"));
        assertTrue(facts.whyUnknown(ModelFacts.Fact.PARAMETER_COUNT).orElseThrow().contains("model.safetensors"));
        assertEquals(3L, facts.weightsBytes());
    }

    @Test
    void factsFromTheHubBeforeDownload() {
        RepoInfo info = new RepoInfo("meta-llama/Llama-3.2-1B", "0123456789abcdef0123456789abcdef01234567",
                List.of(new RepoFile("config.json", 800, "aa", null),
                        new RepoFile("model.safetensors", 2_471_645_608L, "bb", "cc")),
                "llama3.2", null, null, "manual", List.of("LlamaForCausalLM"), "llama", 1_235_814_400L);

        ModelFacts facts = ModelFacts.fromHub(info);

        assertFalse(facts.downloaded());
        assertEquals("LlamaForCausalLM", facts.architecture());
        assertEquals(1_235_814_400L, facts.parameterCount());
        assertEquals(2_471_645_608L, facts.weightsBytes());
        assertNull(facts.hiddenSize());
        assertTrue(facts.whyUnknown(ModelFacts.Fact.HIDDEN_SIZE).orElseThrow().contains("once the model is downloaded"));
        assertEquals("not downloaded yet", facts.whyUnknown(ModelFacts.Fact.SIZE_ON_DISK).orElseThrow());
        assertEquals("llama3.2", facts.licence().id());
        assertNotNull(facts.licence().warning());
    }

    @Test
    void recordRefusesAMissingFactWithoutReason() {
        LicenceInfo apache = LicenceInfo.fromCard("apache-2.0", null, null);
        assertThrows(IllegalArgumentException.class, () -> new ModelFacts("x", true, null, "llama", 1L, 1, 1, 1, 1, 1, 1,
                true, "bf16", true, 1L, 1L, apache, Map.of()));
    }

    @Test
    void notADirectoryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFacts.read(root.resolve("none")));
        assertTrue(e.getMessage().contains("none"));
    }
}
