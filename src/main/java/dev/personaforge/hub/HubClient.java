package dev.personaforge.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to the Hugging Face Hub (or a mirror): model info and file downloads, with errors in plain words.
 *
 * <p>Redirects are followed here rather than by the {@link HttpClient} so that the token is only ever
 * sent to the Hub's own origin: LFS files redirect to a CDN that must not see it.
 */
public final class HubClient {

    /** The public Hub, used when {@code HF_ENDPOINT} is not set. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private static final int MAX_REDIRECTS = 10;
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);
    /** Only bounds the wait for the response headers; a large body may take much longer. */
    private static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_BODY = 2048;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    /**
     * Creates a client for {@code endpoint}.
     *
     * @param endpoint base URL of the Hub, such as {@code https://huggingface.co}
     * @param token    access token sent as {@code Authorization: Bearer}, or {@code null}/blank for none
     * @param http     the HTTP client to use; its own redirect policy should be {@code NEVER}
     */
    public HubClient(URI endpoint, String token, HttpClient http) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint '" + endpoint + "' is not an http(s) URL; "
                    + "set HF_ENDPOINT to something like https://huggingface.co");
        }
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = Objects.requireNonNull(http, "http");
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("The HttpClient for the Hub must not follow redirects itself "
                    + "(use HttpClient.Redirect.NEVER): HubClient follows them so the token never reaches the CDN.");
        }
    }

    /** A client configured from {@code HF_ENDPOINT} and {@code HF_TOKEN} in the process environment. */
    public static HubClient fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** A client configured from {@code HF_ENDPOINT} and {@code HF_TOKEN} in {@code env}. */
    public static HubClient fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("HF_ENDPOINT");
        URI uri = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : URI.create(endpoint.trim());
        return new HubClient(uri, env.get("HF_TOKEN"), defaultHttpClient());
    }

    /** The HTTP client {@link #fromEnvironment()} uses: 10 s connect timeout, redirects left to this class. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The Hub's base URL, without a trailing slash. */
    public URI endpoint() {
        return endpoint;
    }

    /** Whether a token is configured (the token itself is never exposed). */
    public boolean hasToken() {
        return token != null;
    }

    /** The model's page on the Hub, where users accept licences. */
    public URI modelPage(String repoId) {
        return URI.create(endpoint + "/" + RepoId.require(repoId));
    }

    /**
     * Fetches the model info with per-file metadata.
     *
     * @param repoId   {@code owner/name}
     * @param revision branch, tag or commit; {@code null} means {@code main}
     */
    public RepoInfo info(String repoId, String revision) throws HubException {
        RepoId.require(repoId);
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        URI uri = URI.create(endpoint + "/api/models/" + repoId + "/revision/" + encode(rev) + "?blobs=true");
        Target target = new Target(repoId, rev, null);
        HttpResponse<InputStream> response = send(uri, null, API_TIMEOUT, target);
        try (InputStream body = response.body()) {
            check(response, target);
            return RepoInfoJson.parse(repoId, JSON.readTree(body));
        } catch (JsonProcessingException e) {
            throw new HubException("The answer of " + endpoint + " about " + repoId + " isn't valid JSON; "
                    + "is HF_ENDPOINT pointing at a Hugging Face Hub (or a compatible mirror)?", e);
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            throw new HubUnreachableException(endpoint, e);
        }
    }

    /**
     * Opens a file of the repository for reading, following redirects to the CDN.
     *
     * @param repoId   {@code owner/name}
     * @param revision commit sha (preferred, so all files come from one commit) or branch
     * @param path     file path inside the repository
     * @param offset   first byte wanted; above zero a {@code Range} request is made, which the server may
     *                 ignore (then {@link FileStream#offset()} is 0)
     */
    public FileStream openFile(String repoId, String revision, String path, long offset) throws HubException {
        RepoId.require(repoId);
        if (offset < 0) {
            throw new IllegalArgumentException("Offset can't be negative: " + offset);
        }
        URI uri = URI.create(endpoint + "/" + repoId + "/resolve/" + encode(revision) + "/" + encodePath(path));
        Target target = new Target(repoId, revision, path);
        HttpResponse<InputStream> response = send(uri, offset > 0 ? "bytes=" + offset + "-" : null, FILE_TIMEOUT, target);
        try {
            check(response, target);
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (response.statusCode() == 206) {
                return new FileStream(response.body(), rangeStart(response, target, offset), length);
            }
            return new FileStream(response.body(), 0, length);
        } catch (HubException e) {
            closeQuietly(response.body());
            throw e;
        }
    }

    @Override
    public String toString() {
        return "HubClient[" + endpoint + (token == null ? ", no token]" : ", with token]");
    }

    private HttpResponse<InputStream> send(URI uri, String range, Duration timeout, Target target)
            throws HubException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).GET()
                    .header("User-Agent", "persona-forge-hub/1 (java " + Runtime.version().feature() + ")");
            if (range != null) {
                request.header("Range", range);
            }
            if (token != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> response = exchange(request.build());
            Optional<String> location = response.headers().firstValue("Location");
            if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                return response;
            }
            closeQuietly(response.body());
            current = current.resolve(location.get());
        }
        throw new HubHttpException(310, "The Hub at " + endpoint + " redirected " + target.describe()
                + " more than " + MAX_REDIRECTS + " times; check HF_ENDPOINT and any proxy in between.");
    }

    private HttpResponse<InputStream> exchange(HttpRequest request) throws HubException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new HubUnreachableException(endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("Interrupted while waiting for the Hub at " + endpoint, e);
        }
    }

    private void check(HttpResponse<InputStream> response, Target target) throws HubException {
        int status = response.statusCode();
        if (status == 200 || status == 206) {
            return;
        }
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String hubSays = hubMessage(response);
        if (status == 401 || status == 403) {
            throw new HubAccessException(target.repoId(), status, accessMessage(status, code, target) + hubSays);
        }
        if (status == 404) {
            throw new HubNotFoundException(target.repoId(), notFoundMessage(code, target) + hubSays);
        }
        throw new HubHttpException(status, "The Hub at " + endpoint + " answered HTTP " + status + " for "
                + target.describe() + "." + hubSays + " " + advice(status));
    }

    private String accessMessage(int status, String code, Target target) {
        String page = modelPage(target.repoId()).toString();
        String tokens = endpoint + "/settings/tokens";
        if ("GatedRepo".equals(code) || (status == 403 && token != null)) {
            return "Model " + target.repoId() + " is gated: its licence must be accepted before it can be "
                    + "downloaded. Open " + page + ", log in and accept the licence, then "
                    + (token == null ? "create an access token at " + tokens + " and set HF_TOKEN to it."
                    : "make sure HF_TOKEN belongs to that account (manual approvals can take a while).")
                    + " (HTTP " + status + ")";
        }
        if (token == null) {
            return "The Hub refused access to " + target.repoId() + " (HTTP " + status + "): the model is gated "
                    + "or private, or doesn't exist. If it exists, open " + page + ", accept its licence, create "
                    + "an access token at " + tokens + " and set HF_TOKEN to it.";
        }
        return "The Hub rejected the token in HF_TOKEN for " + target.repoId() + " (HTTP " + status + "): the "
                + "token is invalid or expired, or its account can't see this model. Check the model id, accept "
                + "its licence on " + page + " and create a new token at " + tokens + ".";
    }

    private String notFoundMessage(String code, Target target) {
        if ("RevisionNotFound".equals(code)) {
            return "Model " + target.repoId() + " has no revision '" + target.revision() + "'. Use a branch, "
                    + "tag or commit that exists on " + modelPage(target.repoId()) + " (main by default).";
        }
        if (target.file() != null && !"RepoNotFound".equals(code)) {
            return "Model " + target.repoId() + " has no file " + target.file() + " at revision "
                    + target.revision() + " (HTTP 404).";
        }
        return "There is no model " + target.repoId() + " on the Hub at " + endpoint + " (HTTP 404). Check the "
                + "id (owner/name, for example HuggingFaceTB/SmolLM2-135M-Instruct) and its spelling.";
    }

    private static String advice(int status) {
        if (status == 429) {
            return "The Hub is limiting requests; wait a few minutes and try again (a token in HF_TOKEN raises the limit).";
        }
        if (status >= 500) {
            return "The Hub has a problem of its own; try again later.";
        }
        return "Check HF_ENDPOINT and any proxy in between, then try again.";
    }

    /** The Hub's own explanation, from {@code X-Error-Message} or a JSON {@code error} body, when it gives one. */
    private static String hubMessage(HttpResponse<InputStream> response) {
        Optional<String> header = response.headers().firstValue("X-Error-Message");
        String message = header.orElseGet(() -> errorFromBody(response.body()));
        closeQuietly(response.body());
        return message == null || message.isBlank() ? "" : " The Hub says: " + message.strip();
    }

    private static String errorFromBody(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
            JsonNode error = JSON.readTree(new String(bytes, StandardCharsets.UTF_8)).path("error");
            return error.isTextual() ? error.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private long rangeStart(HttpResponse<InputStream> response, Target target, long offset) throws HubException {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
            throw new HubException("The server sent the wrong part of " + target.describe() + " (asked for bytes "
                    + offset + "-, got Content-Range '" + header + "'); delete the .part file and try again.");
        }
        return offset;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            out.append(out.length() == 0 ? "" : "/").append(encode(segment));
        }
        return out.toString();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, like Python's {@code quote(s, safe='')}. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing useful can be done about a failed close of a response we are abandoning.
        }
    }

    /** What a request was about, for messages. */
    private record Target(String repoId, String revision, String file) {
        String describe() {
            return file == null ? "model " + repoId + " (revision " + revision + ")" : file + " of " + repoId;
        }
    }
}
