package dev.personaforge.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error of the OpenAI-compatible API, answered in OpenAI's shape
 * {@code {"error": {"message", "type", "param", "code"}}} with its HTTP status, so OpenAI clients raise their usual
 * exceptions (bad request, authentication, not found, rate limit…).
 */
public class OpenAiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Integer retryAfterSeconds;

    OpenAiException(int status, String type, String param, String code, String message, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 naming the parameter at fault (in {@code param} and in the message). */
    static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, param == null ? null : "invalid_value", message, null);
    }

    /** 400 for a parameter this server does not implement, rather than ignoring it. */
    static OpenAiException unsupported(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, "unsupported_parameter", message, null);
    }

    /** 400 when the prompt and the requested completion do not fit the model's context. */
    static OpenAiException contextLengthExceeded(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, "context_length_exceeded", message, null);
    }

    static OpenAiException invalidJson(String message) {
        return new OpenAiException(400, "invalid_request_error", null, "invalid_json", message, null);
    }

    static OpenAiException unauthorized(String message) {
        return new OpenAiException(401, "invalid_request_error", null, "invalid_api_key", message, null);
    }

    static OpenAiException modelNotFound(String model, String why) {
        return new OpenAiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist: " + why, null);
    }

    /** 429: the API already has as many generations in flight as it admits. */
    static OpenAiException tooManyRequests(String message, int retryAfterSeconds) {
        return new OpenAiException(429, "requests", null, "rate_limit_exceeded", message, retryAfterSeconds);
    }

    /** 503: the model stayed busy with other generations for longer than a request waits. */
    static OpenAiException overloaded(String message, int retryAfterSeconds) {
        return new OpenAiException(503, "server_error", null, "server_overloaded", message, retryAfterSeconds);
    }

    static OpenAiException serverError(String message) {
        return new OpenAiException(500, "server_error", null, null, message, null);
    }

    public int status() {
        return status;
    }

    /** Seconds a client should wait before trying again, for 429 and 503; null otherwise. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The error body in OpenAI's shape. */
    public ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
