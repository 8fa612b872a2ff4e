package dev.personaforge.dataset;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Imports pair files into a persona (all or nothing) and exports a persona's pairs. */
@ApplicationScoped
public class ImportService {

    @Inject
    PersonaService personas;

    @Inject
    PairService pairs;

    @Inject
    ForgeConfig config;

    /**
     * Reads at most the upload limit from the stream, so an oversized body is refused without being held in memory.
     */
    public byte[] readLimited(InputStream in) throws IOException {
        long limit = config.dataset().maxUploadBytes();
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (data.length > limit) {
            long total = data.length + in.transferTo(OutputStream.nullOutputStream());
            throw new UploadTooLargeException(total, limit);
        }
        return data;
    }

    public void checkSize(long size) {
        if (size > config.dataset().maxUploadBytes()) {
            throw new UploadTooLargeException(size, config.dataset().maxUploadBytes());
        }
    }

    /** Parses the file and, when it has no errors and {@code checkOnly} is false, adds all its pairs. */
    @Transactional
    public ImportReport importFile(long personaId, byte[] content, String fileName, boolean checkOnly) {
        Persona persona = personas.get(personaId);
        checkSize(content.length);
        ForgeConfig.Dataset limits = config.dataset();
        DatasetParser parser = new DatasetParser(
                new DatasetLimits(limits.maxFieldChars(), limits.maxPairsPerImport(), limits.maxErrorsListed()));
        ParseResult result = parser.parse(content, fileName == null ? "" : fileName, pairs.hashes(personaId));
        List<ImportProblem> warnings = new ArrayList<>(result.warnings());
        systemPromptWarning(persona, result.pairs()).ifPresent(warnings::add);
        String format = result.format() == null ? null : result.format().label();
        int imported = 0;
        if (result.ok() && !checkOnly) {
            Instant now = Instant.now();
            for (ImportedPair p : result.pairs()) {
                TrainingPair pair = new TrainingPair();
                pair.personaId = personaId;
                pair.setTexts(p.prompt(), p.completion());
                pair.setTags(p.tags());
                pair.split = p.split();
                pair.createdAt = now;
                pair.updatedAt = now;
                pair.persist();
                imported++;
            }
            persona.updatedAt = now;
        }
        return new ImportReport(fileName, format, checkOnly, result.pairs().size(), imported,
                result.errorCount(), result.errors(), warnings);
    }

    /** Writes all pairs of the persona in the chosen format. */
    public void export(long personaId, ExportFormat format, OutputStream out) throws IOException {
        Persona persona = personas.get(personaId);
        List<ExportPair> rows = pairs.all(personaId).stream()
                .map(p -> new ExportPair(p.prompt, p.completion, p.tagList(), p.split))
                .toList();
        new DatasetExporter().export(format, persona.systemPrompt, rows, out);
    }

    private static java.util.Optional<ImportProblem> systemPromptWarning(Persona persona, List<ImportedPair> imported) {
        String own = persona.systemPrompt == null ? "" : persona.systemPrompt.strip();
        return imported.stream()
                .filter(p -> p.systemPrompt() != null && !p.systemPrompt().strip().equals(own))
                .findFirst()
                .map(p -> new ImportProblem(p.line(), "messages",
                        "the system message differs from this persona's system prompt; training uses the persona's"
                                + " system prompt (edit it on the persona page if the file's one is better)"));
    }
}
