package dev.personaforge.openai;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * OpenAI's error shape for failures that happen before a {@code /v1} resource method runs (an unknown path, a wrong
 * method or content type), so OpenAI clients get an error they can read for every {@code /v1} answer.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    /** True for paths of the OpenAI-compatible API. */
    public static boolean covers(String path) {
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    /** A response in OpenAI's error shape with the given status. */
    public static Response response(int status, String message) {
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String code = status == 404 ? "not_found" : null;
        OpenAiException error = new OpenAiException(status, type, null, code, message, null);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error.body()).build();
    }
}
