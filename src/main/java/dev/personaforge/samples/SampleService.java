package dev.personaforge.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.dataset.ImportReport;
import dev.personaforge.dataset.ImportService;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaInput;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The sample personas shipped in {@code data/samples} (packaged on the classpath under {@code samples/}),
 * each loadable with one click as a new persona with all its pairs.
 */
@ApplicationScoped
public class SampleService {

    /** One entry of samples.json. */
    public record Sample(String key, String file, String name, String description, String language,
                         String baseModel, String systemPrompt) {
    }

    @Inject
    ObjectMapper json;

    @Inject
    PersonaService personas;

    @Inject
    ImportService imports;

    private volatile List<Sample> samples;

    public List<Sample> list() {
        if (samples == null) {
            try (InputStream in = resource("samples.json")) {
                samples = List.of(json.readValue(in, Sample[].class));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the sample list samples/samples.json", e);
            }
        }
        return samples;
    }

    public Sample get(String key) {
        return list().stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new NotFoundException("There is no sample persona \"" + key + "\"."));
    }

    /** Creates a persona from the sample (named "Name (2)" etc. when the name is taken) and imports its pairs. */
    @Transactional
    public Persona load(String key) {
        Sample sample = get(key);
        String name = sample.name();
        for (int i = 2; personas.nameExists(name); i++) {
            name = sample.name() + " (" + i + ")";
        }
        Persona persona = personas.create(new PersonaInput(name, sample.description(), sample.systemPrompt(),
                sample.baseModel(), sample.language(), null, null));
        byte[] content;
        try (InputStream in = resource(sample.file())) {
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read sample file samples/" + sample.file(), e);
        }
        ImportReport report = imports.importFile(persona.id, content, sample.file(), false);
        if (!report.ok()) {
            throw new IllegalStateException("Sample " + key + " has errors: " + report.errors());
        }
        return persona;
    }

    private static InputStream resource(String name) {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("samples/" + name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("samples/" + name + " is missing from the application"));
        }
        return in;
    }
}
