package dev.personaforge.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.common.ValidationException;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.ModelLoadException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Imports a PEFT LoRA adapter trained elsewhere (a zip with {@code adapter_config.json} and
 * {@code adapter_model.safetensors}, optionally {@code system_prompt.txt}) as a succeeded run of a persona, after
 * checking every tensor against the persona's base model.
 */
@ApplicationScoped
public class AdapterImport {

    /** Largest sum of the files unpacked from an adapter zip (quarkus.http.limits.max-body-size caps the upload). */
    static final long MAX_BYTES = 512L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RunService runs;

    @Inject
    PersonaService personas;

    @Inject
    BaseModelRegistry models;

    @Inject
    ForgeConfig config;

    /**
     * Unpacks, checks and records the adapter; errors name the file, field or tensor at fault and leave nothing
     * behind.
     *
     * @param fileName the uploaded file's name, kept as where the run came from
     */
    public TrainingRun importZip(long personaId, String fileName, InputStream zip) throws IOException {
        Persona persona = personas.get(personaId);
        if (models.directory(persona.baseModel).isEmpty()) {
            throw ValidationException.of("baseModel", new ModelNotInstalledException(persona.baseModel).getMessage());
        }
        String name = fileName == null || fileName.isBlank() ? "adapter.zip" : Path.of(fileName).getFileName().toString();
        Path runsDir = config.runsDir();
        Path staged = Files.createDirectories(runsDir.resolve("imports")).resolve(UUID.randomUUID().toString());
        Files.createDirectories(staged);
        try {
            String hash = unpack(zip, name, staged);
            LoraConfig lora = check(persona, name, staged);
            Path prompt = staged.resolve("system_prompt.txt");
            String systemPrompt = Files.isRegularFile(prompt) ? Files.readString(prompt, StandardCharsets.UTF_8).strip()
                    : persona.systemPrompt;
            Files.deleteIfExists(prompt);
            RunSettings settings = new RunSettings(null, "lora", null, null, null, null, null, lora.r(), lora.loraAlpha(),
                    lora.loraDropout(), lora.targetModules(), null, null, null, null, null, null, null);
            return runs.createImported(personaId, settings, systemPrompt, hash, name, staged, runsDir);
        } finally {
            dev.personaforge.common.Folders.deleteTree(staged);
        }
    }

    /** Extracts the adapter files (wherever they sit in the zip) and returns the SHA-256 of the upload. */
    private static String unpack(InputStream upload, String name, Path into) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long total = 0;
        boolean sawBin = false;
        boolean anyEntry = false;
        try (ZipInputStream zip = new ZipInputStream(new DigestInputStream(upload, sha))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                anyEntry = true;
                if (entry.isDirectory()) {
                    continue;
                }
                String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                if (base.equals("adapter_model.bin")) {
                    sawBin = true;
                }
                if (!base.equals(LoraAdapter.CONFIG_FILE) && !base.equals(LoraAdapter.WEIGHTS_FILE)
                        && !base.equals("system_prompt.txt")) {
                    continue;
                }
                Path target = into.resolve(base);
                if (Files.exists(target)) {
                    throw ValidationException.of("file", name + " holds more than one " + base + "; zip one adapter");
                }
                long copied = copyLimited(zip, target, MAX_BYTES - total, name);
                total += copied;
            }
        } catch (ZipException e) {
            throw ValidationException.of("file", name + " is not a readable zip file: " + e.getMessage());
        }
        if (!anyEntry) {
            throw ValidationException.of("file", name + " is not a zip file (or is empty); upload a zip holding "
                    + LoraAdapter.CONFIG_FILE + " and " + LoraAdapter.WEIGHTS_FILE);
        }
        if (!Files.isRegularFile(into.resolve(LoraAdapter.CONFIG_FILE))) {
            throw ValidationException.of("file", name + " has no " + LoraAdapter.CONFIG_FILE);
        }
        if (!Files.isRegularFile(into.resolve(LoraAdapter.WEIGHTS_FILE))) {
            throw ValidationException.of("file", name + " has no " + LoraAdapter.WEIGHTS_FILE + (sawBin
                    ? "; adapter_model.bin (a pickle) isn't read for safety, save the adapter with "
                    + "safe_serialization=True" : ""));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static long copyLimited(InputStream in, Path target, long limit, String name) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        try (var out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                copied += n;
                if (copied > limit) {
                    throw ValidationException.of("file", name + " unpacks to more than " + (MAX_BYTES >> 20)
                            + " MB, the most an adapter may take");
                }
                out.write(buffer, 0, n);
            }
        }
        return copied;
    }

    /** Loads the adapter against the persona's base model: PEFT options, target modules, every key and shape. */
    private LoraConfig check(Persona persona, String name, Path dir) throws IOException {
        JsonNode config;
        try {
            config = JSON.readTree(dir.resolve(LoraAdapter.CONFIG_FILE).toFile());
        } catch (IOException e) {
            throw ValidationException.of("file", name + ": " + LoraAdapter.CONFIG_FILE + " is not valid JSON: "
                    + e.getMessage());
        }
        String task = config.path("task_type").asText("");
        if (!task.isEmpty() && !task.equals("CAUSAL_LM")) {
            throw ValidationException.of("file", name + ": task_type is " + task + "; only CAUSAL_LM adapters "
                    + "fit a chat model");
        }
        try (BaseModelRegistry.Lease lease = models.lease(persona.baseModel).join();
                LoraAdapter adapter = LoraAdapter.load(dir, lease.model().model())) {
            return adapter.config();
        } catch (ModelLoadException e) {
            throw ValidationException.of("file", name + " doesn't fit " + persona.baseModel + ": "
                    + e.getMessage().replace(dir.toString() + "/", "").replace(dir.toString(), ""));
        } catch (CompletionException e) {
            throw ValidationException.of("baseModel", "the base model " + persona.baseModel + " can't be loaded: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        }
    }
}
