package dev.personaforge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.personaforge.api.ErrorResponse;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.UploadTooLargeException;
import dev.personaforge.openai.OpenAiErrors;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns errors into responses: JSON under {@code /api}, OpenAI's error shape under {@code /v1}, a readable HTML page
 * elsewhere. Never a stack trace.
 */
public class ErrorMappers {

    @CheckedTemplate(basePath = "ErrorPages")
    static class Templates {
        static native TemplateInstance error(int status, String title, String message);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return respond(uri, 404, "not_found", "Not found", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unknownPath(jakarta.ws.rs.NotFoundException e, UriInfo uri) {
        return respond(uri, 404, "not_found", "Not found", "There is nothing at " + uri.getPath() + ".", null);
    }

    @ServerExceptionMapper
    public Response conflict(dev.personaforge.common.ConflictException e, UriInfo uri) {
        return respond(uri, 409, "conflict", "Not possible now", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response invalid(ValidationException e, UriInfo uri) {
        return respond(uri, 400, "invalid_input", "Invalid input", e.getMessage(), e);
    }

    @ServerExceptionMapper
    public Response tooLarge(UploadTooLargeException e, UriInfo uri) {
        return respond(uri, 413, "too_large", "File too large", e.getMessage(), null);
    }

    /** The JSON reader wraps syntax errors in a plain 400; unwrap them so the answer says what is wrong. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json, uri);
        }
        if (OpenAiErrors.covers(uri.getPath())) {
            return OpenAiErrors.response(e.getResponse().getStatus(), e.getMessage());
        }
        return e.getResponse();
    }

    /** A value of the wrong type (text where a number belongs); without this the built-in mapper answers an empty 400. */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        String detail = e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()
                ? "field \"" + mismatch.getPath().get(mismatch.getPath().size() - 1).getFieldName() + "\" has the wrong type"
                : e.getOriginalMessage();
        return respond(uri, 400, "invalid_json", "Invalid JSON", "The request body is not valid: " + detail + where, null);
    }

    private static Response respond(UriInfo uri, int status, String code, String title, String message,
                                    ValidationException validation) {
        if (OpenAiErrors.covers(uri.getPath())) {
            return OpenAiErrors.response(status, message);
        }
        if (uri.getPath().startsWith("/api/")) {
            ErrorResponse body = validation == null ? ErrorResponse.of(code, message)
                    : new ErrorResponse(code, message, validation.problems());
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.error(status, title, message)).build();
    }
}
