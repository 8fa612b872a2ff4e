package dev.personaforge.api;

import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.DatasetReport;
import dev.personaforge.dataset.ExportFormat;
import dev.personaforge.dataset.ImportReport;
import dev.personaforge.dataset.ImportService;
import dev.personaforge.dataset.PairService;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;

/** JSON API for a persona's dataset as a whole: statistics, import and export. */
@Path("/api/personas/{personaId}")
@Tag(name = "Dataset")
public class DatasetResource {

    /** 422: the file was read but has errors, so nothing was imported. */
    static final int UNPROCESSABLE = 422;

    @Inject
    PairService pairs;

    @Inject
    ImportService imports;

    @Inject
    PersonaService personas;

    @GET
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Counts, train/validation split, length statistics and warnings")
    public DatasetReport stats(@PathParam("personaId") long personaId) {
        return pairs.analyze(personaId);
    }

    @POST
    @Path("/import")
    @Consumes({"application/x-ndjson", "application/jsonl", MediaType.APPLICATION_JSON, "text/csv",
            MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a file of pairs (JSONL prompt/completion, OpenAI chat, Alpaca, or CSV with a header)",
            description = "The format is detected from the content. A file with any error imports nothing; the "
                    + "response lists the errors with their line and field (422). checkOnly=true reports without saving.")
    public Response importFile(@PathParam("personaId") long personaId, @QueryParam("filename") String filename,
                               @QueryParam("checkOnly") @DefaultValue("false") boolean checkOnly,
                               InputStream body) throws IOException {
        personas.get(personaId);
        byte[] content = imports.readLimited(body);
        ImportReport report = imports.importFile(personaId, content, filename, checkOnly);
        return Response.status(report.ok() ? 200 : UNPROCESSABLE).entity(report)
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/export")
    @Operation(summary = "Download all pairs", description = "format: jsonl (prompt/completion), chat (OpenAI chat "
            + "with the persona's system prompt) or csv.")
    public Response export(@PathParam("personaId") long personaId,
                           @QueryParam("format") @DefaultValue("jsonl") String format) {
        Persona persona = personas.get(personaId);
        ExportFormat exportFormat = exportFormat(format);
        StreamingOutput body = out -> imports.export(personaId, exportFormat, out);
        String fileName = persona.slug + "-" + exportFormatSuffix(format) + "." + exportFormat.fileExtension();
        return Response.ok(body, exportFormat.mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + asciiName(fileName) + "\"; filename*=UTF-8''"
                        + java.net.URLEncoder.encode(fileName, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .build();
    }

    /** Maps the short names used in URLs and forms to export formats. */
    public static ExportFormat exportFormat(String name) {
        return switch (name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "jsonl", "prompt-completion" -> ExportFormat.PROMPT_COMPLETION_JSONL;
            case "chat", "openai" -> ExportFormat.OPENAI_CHAT_JSONL;
            case "csv" -> ExportFormat.CSV;
            default -> throw ValidationException.of("format",
                    "\"" + name + "\" is not an export format; use jsonl, chat or csv");
        };
    }

    private static String exportFormatSuffix(String format) {
        return "chat".equalsIgnoreCase(format.strip()) || "openai".equalsIgnoreCase(format.strip()) ? "chat" : "pairs";
    }

    private static String asciiName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
