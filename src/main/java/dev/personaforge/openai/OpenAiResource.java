package dev.personaforge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.personaforge.model.ChatMessage;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.TextTokenizer;
import dev.personaforge.model.TokenListener;
import dev.personaforge.model.TokenLogprob;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An OpenAI-compatible API over the personas' tuned models and the base models, so any OpenAI client (the official
 * SDKs, LangChain4j, curl) can use them: {@code GET /v1/models}, {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, streamed as server-sent events on request. Errors come in OpenAI's error shape.
 *
 * <p>A chat request without a system message gets the system prompt its run was trained with. Requests need an
 * {@code Authorization: Bearer <key>} header once an API key exists ({@link ApiKeyService}).
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OpenAI-compatible API")
public class OpenAiResource {

    private static final String EVENT_STREAM = "text/event-stream";

    @Inject
    ApiKeyService keys;

    @Inject
    ModelResolver models;

    @Inject
    OpenAiGenerations generations;

    @Inject
    ObjectMapper json;

    @GET
    @Path("models")
    @Operation(summary = "List the model ids: persona slugs, <slug>@<run id> and base:<model>")
    public ObjectNode listModels(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        keys.authenticate(authorization);
        ObjectNode list = json.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        models.list().forEach(m -> data.add(model(m)));
        return list;
    }

    @GET
    @Path("models/{id: .+}")
    @Operation(summary = "Describe one model id")
    public ObjectNode getModel(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        keys.authenticate(authorization);
        return model(models.resolve(id));
    }

    @POST
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Chat completion, as OpenAI's (stream: true answers with server-sent events)")
    public Response chatCompletions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        keys.authenticate(authorization);
        ChatCompletionRequest request = ChatCompletionRequest.parse(read(body));
        ModelTarget target = models.resolve(request.model());
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        if (!request.hasSystemMessage() && target.systemPrompt() != null && !target.systemPrompt().isBlank()) {
            messages.add(0, ChatMessage.system(target.systemPrompt()));
        }
        OpenAiGenerations.Session session = generations.open(target);
        boolean handedOver = false;
        try {
            LanguageModel model = session.model();
            long[] prompt = model.encodeChat(messages);
            int maxNew = budget(model, prompt.length, request.sampling().maxTokens(), null, "messages");
            GenerationRequest generation = new GenerationRequest(prompt, session.adapter(),
                    request.sampling().toSampling(maxNew), request.topLogprobs());
            session.awaitTurn();
            Completion completion = new Completion("chatcmpl-", request.model(), model, prompt);
            if (request.sampling().stream()) {
                handedOver = true;
                return stream(out -> completion.streamChat(session, generation, new SseWriter(out, json),
                        request.sampling().includeUsage()));
            }
            GenerationResult result = session.generate(generation, null, () -> false);
            return Response.ok(completion.chat(result)).build();
        } finally {
            if (!handedOver) {
                session.close();
            }
        }
    }

    @POST
    @Path("completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Text completion of a raw prompt, as OpenAI's legacy completions (stream: true for events)")
    public Response completions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        keys.authenticate(authorization);
        CompletionRequest request = CompletionRequest.parse(read(body));
        ModelTarget target = models.resolve(request.model());
        OpenAiGenerations.Session session = generations.open(target);
        boolean handedOver = false;
        try {
            LanguageModel model = session.model();
            long[] prompt = encodeRaw(model.tokenizer(), request.prompt());
            int maxNew = budget(model, prompt.length, request.sampling().maxTokens(), CompletionRequest.DEFAULT_MAX_TOKENS,
                    "prompt");
            GenerationRequest generation = new GenerationRequest(prompt, session.adapter(),
                    request.sampling().toSampling(maxNew), request.logprobs());
            session.awaitTurn();
            Completion completion = new Completion("cmpl-", request.model(), model, prompt);
            String echo = request.echo() ? request.prompt() : "";
            if (request.sampling().stream()) {
                handedOver = true;
                return stream(out -> completion.streamText(session, generation, new SseWriter(out, json), echo,
                        request.sampling().includeUsage()));
            }
            GenerationResult result = session.generate(generation, null, () -> false);
            return Response.ok(completion.text(result, echo)).build();
        } finally {
            if (!handedOver) {
                session.close();
            }
        }
    }

    /** OpenAI's error shape and status for every error of this API. */
    @ServerExceptionMapper
    public Response openAiError(OpenAiException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(e.body());
        if (e.retryAfterSeconds() != null) {
            response.header("Retry-After", e.retryAfterSeconds());
        }
        return response.build();
    }

    private static Response stream(StreamingOutput output) {
        return Response.ok(output, EVENT_STREAM).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no").build();
    }

    private JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            throw OpenAiException.invalidJson("The request body is empty; send a JSON object.");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw OpenAiException.invalidJson("We could not parse the JSON body of your request: " + e.getOriginalMessage() + where
                    + ". The body must be valid JSON.");
        }
    }

    /** Prompt ids of raw text, with the BOS token in front when the tokenizer asks for one (as transformers does). */
    private static long[] encodeRaw(TextTokenizer tokenizer, String prompt) {
        long[] ids = tokenizer.encode(prompt, false);
        int bos = tokenizer.addBosToken() ? tokenizer.tokenId(tokenizer.bosToken()) : -1;
        if (bos >= 0) {
            long[] withBos = new long[ids.length + 1];
            withBos[0] = bos;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        if (ids.length == 0) {
            throw OpenAiException.invalid("prompt", "'prompt' is empty; give some text to continue.");
        }
        return ids;
    }

    /**
     * The completion's token budget: the request's, else {@code fallback}, else all the context left. The prompt and
     * the requested tokens must fit the model's context, as OpenAI requires.
     */
    private static int budget(LanguageModel model, int promptTokens, Integer requested, Integer fallback, String promptParam) {
        int context = model.config().maxPositionEmbeddings();
        if (promptTokens >= context) {
            throw OpenAiException.contextLengthExceeded(promptParam, "This model's maximum context length is " + context
                    + " tokens. However, your " + promptParam + " resulted in " + promptTokens + " tokens; shorten it.");
        }
        int left = context - promptTokens;
        if (requested != null && requested > left) {
            throw OpenAiException.contextLengthExceeded("max_tokens", "This model's maximum context length is " + context
                    + " tokens. However, you requested " + (promptTokens + requested) + " tokens (" + promptTokens
                    + " in the " + promptParam + ", " + requested + " in the completion); lower max_tokens to at most " + left + ".");
        }
        return requested != null ? requested : fallback != null ? Math.min(fallback, left) : left;
    }

    private ObjectNode model(ModelTarget target) {
        ObjectNode node = json.createObjectNode();
        node.put("id", target.id());
        node.put("object", "model");
        node.put("created", target.created());
        node.put("owned_by", target.ownedBy());
        return node;
    }

    /** One completion's identity and the bodies and chunks that answer it. */
    private final class Completion {
        private final String id;
        private final String model;
        private final long created = System.currentTimeMillis() / 1000;
        private final LanguageModel engine;
        private final long[] prompt;

        Completion(String idPrefix, String model, LanguageModel engine, long[] prompt) {
            this.id = idPrefix + UUID.randomUUID().toString().replace("-", "");
            this.model = model;
            this.engine = engine;
            this.prompt = prompt;
        }

        private Logprobs logprobs() {
            return new Logprobs(engine.tokenizer(), engine.eosTokenIds(), prompt);
        }

        ObjectNode chat(GenerationResult result) {
            ObjectNode body = head("chat.completion");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", result.text());
            message.putNull("refusal");
            if (result.logprobs() == null) {
                choice.putNull("logprobs");
            } else {
                Logprobs lp = logprobs();
                List<ObjectNode> entries = new ArrayList<>();
                for (TokenLogprob token : result.logprobs()) {
                    ObjectNode entry = lp.chatEntry(token);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
                choice.set("logprobs", Logprobs.chat(entries));
            }
            choice.put("finish_reason", finishReason(result));
            body.set("usage", usage(result));
            return body;
        }

        ObjectNode text(GenerationResult result, String echo) {
            ObjectNode body = head("text_completion");
            ObjectNode choice = body.putArray("choices").addObject();
            String text = echo + result.text();
            choice.put("text", text);
            choice.put("index", 0);
            choice.set("logprobs", result.logprobs() == null ? null : logprobs().legacy(result.logprobs(), text.length()));
            choice.put("finish_reason", finishReason(result));
            body.set("usage", usage(result));
            return body;
        }

        /** Streams chat chunks: the assistant role first, then content deltas, then the finish reason (and usage). */
        void streamChat(OpenAiGenerations.Session session, GenerationRequest generation, SseWriter out, boolean includeUsage) {
            try {
                ObjectNode first = chatChunk(includeUsage);
                ObjectNode role = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
                role.put("role", "assistant");
                role.put("content", "");
                role.putNull("refusal");
                out.data(first);
                Logprobs lp = generation.wantsLogprobs() ? logprobs() : null;
                List<ObjectNode> pending = new ArrayList<>();
                GenerationResult result = session.generate(generation, new TokenListener() {
                    @Override
                    public void onToken(int request, long tokenId, String textDelta) {
                        onToken(request, tokenId, textDelta, null);
                    }

                    @Override
                    public void onToken(int request, long tokenId, String textDelta, TokenLogprob logprob) {
                        if (lp != null && logprob != null) {
                            ObjectNode entry = lp.chatEntry(logprob);
                            if (entry != null) {
                                pending.add(entry);
                            }
                        }
                        if (!textDelta.isEmpty()) {
                            ObjectNode chunk = chatChunk(includeUsage);
                            ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
                            choice.putObject("delta").put("content", textDelta);
                            if (lp != null) {
                                choice.set("logprobs", Logprobs.chat(pending));
                                pending.clear();
                            }
                            out.data(chunk);
                        }
                    }
                }, out::gone);
                ObjectNode last = chatChunk(includeUsage);
                ObjectNode choice = (ObjectNode) last.get("choices").get(0);
                choice.putObject("delta");
                if (lp != null && !pending.isEmpty()) {
                    choice.set("logprobs", Logprobs.chat(pending));
                }
                choice.put("finish_reason", finishReason(result));
                out.data(last);
                finish(out, result, includeUsage, "chat.completion.chunk");
            } catch (RuntimeException e) {
                fail(out, e);
            } finally {
                session.close();
            }
        }

        /** Streams text completion chunks: the echoed prompt first when asked, then deltas, then the finish reason. */
        void streamText(OpenAiGenerations.Session session, GenerationRequest generation, SseWriter out, String echo,
                        boolean includeUsage) {
            try {
                if (!echo.isEmpty()) {
                    out.data(textChunk(echo, null, includeUsage));
                }
                Logprobs lp = generation.wantsLogprobs() ? logprobs() : null;
                List<TokenLogprob> pending = new ArrayList<>();
                GenerationResult result = session.generate(generation, new TokenListener() {
                    @Override
                    public void onToken(int request, long tokenId, String textDelta) {
                        onToken(request, tokenId, textDelta, null);
                    }

                    @Override
                    public void onToken(int request, long tokenId, String textDelta, TokenLogprob logprob) {
                        if (logprob != null) {
                            pending.add(logprob);
                        }
                        if (!textDelta.isEmpty()) {
                            out.data(textChunk(textDelta, lp == null ? null : lp.legacy(pending, Integer.MAX_VALUE), includeUsage));
                            pending.clear();
                        }
                    }
                }, out::gone);
                ObjectNode last = textChunk("", lp == null || pending.isEmpty() ? null : lp.legacy(pending, Integer.MAX_VALUE),
                        includeUsage);
                ((ObjectNode) last.get("choices").get(0)).put("finish_reason", finishReason(result));
                out.data(last);
                finish(out, result, includeUsage, "text_completion");
            } catch (RuntimeException e) {
                fail(out, e);
            } finally {
                session.close();
            }
        }

        private void finish(SseWriter out, GenerationResult result, boolean includeUsage, String object) {
            if (includeUsage) {
                ObjectNode usage = head(object);
                usage.putArray("choices");
                usage.set("usage", usage(result));
                out.data(usage);
            }
            out.done();
        }

        private void fail(SseWriter out, RuntimeException e) {
            Log.warnf(e, "Streamed completion %s failed", id);
            out.data(OpenAiException.serverError("Generation failed: " + e.getMessage()).body());
        }

        private ObjectNode chatChunk(boolean includeUsage) {
            ObjectNode chunk = head("chat.completion.chunk");
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putNull("logprobs");
            choice.putNull("finish_reason");
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        private ObjectNode textChunk(String text, ObjectNode logprobs, boolean includeUsage) {
            ObjectNode chunk = head("text_completion");
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("text", text);
            choice.put("index", 0);
            choice.set("logprobs", logprobs);
            choice.putNull("finish_reason");
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        private ObjectNode head(String object) {
            ObjectNode body = json.createObjectNode();
            body.put("id", id);
            body.put("object", object);
            body.put("created", created);
            body.put("model", model);
            body.putNull("system_fingerprint");
            return body;
        }

        private ObjectNode usage(GenerationResult result) {
            ObjectNode usage = json.createObjectNode();
            usage.put("prompt_tokens", result.promptTokens());
            usage.put("completion_tokens", result.tokenIds().length);
            usage.put("total_tokens", result.promptTokens() + result.tokenIds().length);
            return usage;
        }
    }

    /** OpenAI's finish reason: "stop" at an end-of-sequence token or a stop string, "length" at a token limit. */
    private static String finishReason(GenerationResult result) {
        return switch (result.finishReason()) {
            case EOS, STOP_STRING, CANCELLED -> "stop";
            case MAX_TOKENS, CONTEXT_LENGTH -> "length";
        };
    }
}
