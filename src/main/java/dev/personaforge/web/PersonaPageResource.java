package dev.personaforge.web;

import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.DatasetReport;
import dev.personaforge.dataset.ImportProblem;
import dev.personaforge.dataset.ImportReport;
import dev.personaforge.dataset.ImportService;
import dev.personaforge.dataset.PairPage;
import dev.personaforge.dataset.PairQuery;
import dev.personaforge.dataset.PairService;
import dev.personaforge.dataset.UploadTooLargeException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaInput;
import dev.personaforge.persona.PersonaService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
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
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;

/** Server-rendered persona pages: create, show (pairs, statistics, split, import, export), edit, duplicate, delete. */
@Path("/personas")
@Produces(MediaType.TEXT_HTML)
public class PersonaPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance form(Long personaId, PersonaForm form, ValidationException errors,
                List<dev.personaforge.basemodel.ModelEntry> models);

        static native TemplateInstance show(Persona persona, PairPage pairs, PairQuery query, List<String> tags,
                                            DatasetReport report, ImportReport importReport, String notice,
                                            PairForm pairForm, ValidationException pairErrors, TrainingPanel training);

        static native TemplateInstance confirmDelete(Persona persona, long pairCount);
    }

    @Inject
    dev.personaforge.basemodel.ModelCatalog catalog;

    @Inject
    PersonaService personas;

    @Inject
    PairService pairs;

    @Inject
    ImportService imports;

    @Inject
    TrainingPanels trainingPanels;

    @GET
    @Path("new")
    public TemplateInstance newForm() {
        return Templates.form(null, PersonaForm.empty(), null, catalog.list());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@BeanParam PersonaForm form) {
        try {
            Persona persona = personas.create(form.toInput());
            return seeOther("/personas/" + persona.id + "?notice=created");
        } catch (ValidationException e) {
            return Response.status(400).entity(Templates.form(null, form, e, catalog.list())).build();
        }
    }

    @GET
    @Path("{id}")
    public TemplateInstance show(@PathParam("id") long id, @QueryParam("q") String q, @QueryParam("tag") String tag,
                                 @QueryParam("split") String split, @QueryParam("page") @DefaultValue("0") int page,
                                 @QueryParam("notice") String notice) {
        return page(id, new PairQuery(q, tag, split, page, 0), null, Notices.text(notice), PairForm.empty(), null);
    }

    /** The persona page, also used to show a rejected pair form or an import report in place. */
    TemplateInstance page(long id, PairQuery query, ImportReport importReport, String notice, PairForm pairForm,
                          ValidationException pairErrors) {
        Persona persona = personas.get(id);
        return page(persona, query, importReport, notice, pairForm, pairErrors, trainingPanels.initial(persona));
    }

    TemplateInstance page(Persona persona, PairQuery query, ImportReport importReport, String notice,
                          PairForm pairForm, ValidationException pairErrors, TrainingPanel training) {
        long id = persona.id;
        PairQuery safeQuery = validSplitFilter(query);
        return Templates.show(persona, pairs.page(id, safeQuery), safeQuery, pairs.tags(id), pairs.analyze(id),
                importReport, notice, pairForm, pairErrors, training);
    }

    @GET
    @Path("{id}/edit")
    public TemplateInstance editForm(@PathParam("id") long id) {
        Persona persona = personas.get(id);
        return Templates.form(persona.id, PersonaForm.of(persona), null, catalog.list());
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") long id, @BeanParam PersonaForm form) {
        personas.get(id);
        try {
            personas.update(id, form.toInput());
            return seeOther("/personas/" + id + "?notice=saved");
        } catch (ValidationException e) {
            return Response.status(400).entity(Templates.form(id, form, e, catalog.list())).build();
        }
    }

    @POST
    @Path("{id}/split")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response saveSplit(@PathParam("id") long id, @RestForm String validationRatio, @RestForm String splitSeed) {
        Persona persona = personas.get(id);
        PersonaInput current = PersonaInput.of(persona);
        personas.update(id, new PersonaInput(current.name(), current.description(), current.systemPrompt(),
                current.baseModel(), current.language(),
                FormNumbers.parseDouble("validationRatio", validationRatio),
                FormNumbers.parseLong("splitSeed", splitSeed)));
        return seeOther("/personas/" + id + "?notice=split-saved#split");
    }

    @POST
    @Path("{id}/duplicate")
    public Response duplicate(@PathParam("id") long id) {
        Persona copy = personas.duplicate(id);
        return seeOther("/personas/" + copy.id + "?notice=duplicated");
    }

    @GET
    @Path("{id}/delete")
    public TemplateInstance confirmDelete(@PathParam("id") long id) {
        return Templates.confirmDelete(personas.get(id), personas.pairCount(id));
    }

    @POST
    @Path("{id}/delete")
    public Response delete(@PathParam("id") long id) {
        personas.delete(id);
        return seeOther("/?notice=deleted");
    }

    @POST
    @Path("{id}/import")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response importFile(@PathParam("id") long id, @RestForm("file") FileUpload file,
                               @RestForm("checkOnly") String checkOnly) throws IOException {
        personas.get(id);
        boolean check = checkOnly != null && !checkOnly.isBlank() && !"false".equals(checkOnly);
        ImportReport report;
        if (file == null || file.fileName() == null || file.fileName().isBlank()) {
            report = fileProblem("", check, "Choose a file to import.");
        } else {
            try {
                imports.checkSize(file.size());
                report = imports.importFile(id, Files.readAllBytes(file.uploadedFile()), file.fileName(), check);
            } catch (UploadTooLargeException e) {
                report = fileProblem(file.fileName(), check, e.getMessage());
            }
        }
        int status = report.ok() ? 200 : 422;
        return Response.status(status)
                .entity(page(id, new PairQuery(null, null, null, 0, 0), report, null, PairForm.empty(), null))
                .build();
    }

    private static ImportReport fileProblem(String fileName, boolean checkOnly, String message) {
        return new ImportReport(fileName, null, checkOnly, 0, 0, 1, List.of(new ImportProblem(0, null, message)),
                List.of());
    }

    private static PairQuery validSplitFilter(PairQuery query) {
        String split = query.split();
        if (split != null && !split.isBlank() && !split.equals("train") && !split.equals("validation")) {
            split = null;
        }
        return new PairQuery(query.text(), query.tag(), split, query.page(), query.size());
    }

    static Response seeOther(String location) {
        return Response.seeOther(URI.create(location)).build();
    }
}
