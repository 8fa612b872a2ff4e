package dev.personaforge.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local imitation of the Hugging Face Hub for tests: the model-info API, {@code resolve} downloads with
 * Range support, LFS redirects to a separate "CDN" server, gating by token, and switches to misbehave.
 */
final class FakeHub implements AutoCloseable {

    static final String TOKEN = "hf_test_token";

    /** A repository the fake serves. */
    static final class Repo {
        final String id;
        final String sha;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Map<String, Object> cardData = new LinkedHashMap<>();
        boolean gated;

        Repo(String id, String sha) {
            this.id = id;
            this.sha = sha;
        }

        Repo file(String name, byte[] content) {
            files.put(name, content);
            return this;
        }

        Repo file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        /** Weights live in LFS on the real Hub; everything else in git. */
        boolean isLfs(String name) {
            return name.endsWith(".safetensors") || name.endsWith(".bin") || name.endsWith(".gguf");
        }
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();

    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    final List<String> hubAuthorizations = Collections.synchronizedList(new ArrayList<>());
    final List<String> cdnAuthorizations = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> fileRequests = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
    final AtomicInteger infoRequests = new AtomicInteger();

    volatile boolean redirectLfs;
    /** When set, the model-info API answers with this status (a Hub outage, rate limiting). */
    volatile int infoStatus;
    volatile boolean ignoreRange;
    final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    /** One-shot: the next response for the file breaks off after this many bytes. */
    final Map<String, Long> dropAfter = new ConcurrentHashMap<>();
    /** The response for the file pauses after this many bytes until {@link #release} opens. */
    final Map<String, Long> stallAfter = new ConcurrentHashMap<>();
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    /** File responses wait for this before sending anything. */
    volatile CountDownLatch gate = new CountDownLatch(0);

    FakeHub() throws IOException {
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(local, 0);
        cdn = HttpServer.create(local, 0);
        hub.createContext("/", ex -> handle(ex, false));
        cdn.createContext("/", ex -> handle(ex, true));
        hub.setExecutor(pool);
        cdn.setExecutor(pool);
        hub.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    Repo add(String id, String sha) {
        Repo repo = new Repo(id, sha);
        repos.put(id, repo);
        return repo;
    }

    HubClient client(String token) {
        return new HubClient(endpoint(), token, HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build());
    }

    int requestsFor(String file) {
        AtomicInteger n = fileRequests.get(file);
        return n == null ? 0 : n.get();
    }

    long served(String file) {
        AtomicLong n = bytesServed.get(file);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        release.countDown();
        hub.stop(0);
        cdn.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex, boolean isCdn) {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            (isCdn ? cdnAuthorizations : hubAuthorizations).add(auth == null ? "none" : auth);
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            log.add((isCdn ? "cdn " : "hub ") + path);
            if (isCdn) {
                serveCdn(ex, path);
            } else if (path.startsWith("/api/models/")) {
                serveInfo(ex, path.substring("/api/models/".length()));
            } else {
                serveResolve(ex, path.substring(1));
            }
        } catch (IOException | InterruptedException e) {
            // The client went away (on purpose in resume and cancel tests).
        }
    }

    private void serveInfo(HttpExchange ex, String rest) throws IOException {
        infoRequests.incrementAndGet();
        if (infoStatus != 0) {
            send(ex, infoStatus, "{\"error\":\"Service temporarily unavailable\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String[] parts = rest.split("/", 4);
        Repo repo = parts.length == 4 ? repos.get(parts[0] + "/" + parts[1]) : null;
        if (repo == null) {
            error(ex, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (!authorised(ex, repo)) {
            return;
        }
        if (!parts[3].equals("main") && !parts[3].equals(repo.sha)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + parts[3]);
            return;
        }
        send(ex, 200, infoJson(repo).getBytes(StandardCharsets.UTF_8));
    }

    private void serveResolve(HttpExchange ex, String rest) throws IOException, InterruptedException {
        String[] parts = rest.split("/", 5);
        Repo repo = parts.length == 5 && parts[2].equals("resolve") ? repos.get(parts[0] + "/" + parts[1]) : null;
        if (repo == null) {
            error(ex, 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (!authorised(ex, repo)) {
            return;
        }
        String file = parts[4];
        if (!repo.files.containsKey(file) || !(parts[3].equals(repo.sha) || parts[3].equals("main"))) {
            error(ex, 404, "EntryNotFound", "Entry not found");
            return;
        }
        if (redirectLfs && repo.isLfs(file)) {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/"
                    + repo.id + "/" + file + "?signature=abc");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        serveFile(ex, repo, file);
    }

    private void serveCdn(HttpExchange ex, String path) throws IOException, InterruptedException {
        String[] parts = path.substring("/cdn/".length()).split("/", 3);
        Repo repo = repos.get(parts[0] + "/" + parts[1]);
        serveFile(ex, repo, parts[2]);
    }

    private void serveFile(HttpExchange ex, Repo repo, String file) throws IOException, InterruptedException {
        gate.await(10, TimeUnit.SECONDS);
        byte[] content = repo.files.get(file).clone();
        if (corrupt.contains(file)) {
            content[content.length / 2] ^= 0x5a;
        }
        fileRequests.computeIfAbsent(file, k -> new AtomicInteger()).incrementAndGet();
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(file + " " + (range == null ? "none" : range));
        int start = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            start = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        long length = content.length - start;
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        writeBody(ex.getResponseBody(), file, content, start);
    }

    private void writeBody(OutputStream out, String file, byte[] content, int start) throws IOException, InterruptedException {
        Long drop = dropAfter.remove(file);
        Long stall = stallAfter.get(file);
        AtomicLong served = bytesServed.computeIfAbsent(file, k -> new AtomicLong());
        int pos = start;
        while (pos < content.length) {
            int end = Math.min(content.length, pos + 1024);
            if (drop != null && end - start > drop) {
                end = (int) (start + drop);
            }
            if (stall != null && pos < stall && end > stall) {
                end = (int) (long) stall;
            }
            out.write(content, pos, end - pos);
            served.addAndGet(end - pos);
            pos = end;
            if (drop != null && pos - start == drop) {
                out.flush();
                // Breaking off mid-body: closing with bytes missing makes the server drop the connection.
                throw new IOException("dropped on purpose");
            }
            if (stall != null && pos == stall) {
                out.flush();
                stalled.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
        }
    }

    private boolean authorised(HttpExchange ex, Repo repo) throws IOException {
        if (!repo.gated) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (("Bearer " + TOKEN).equals(auth)) {
            return true;
        }
        error(ex, 401, "GatedRepo", "Access to model " + repo.id + " is restricted. You must have access to it "
                + "and be authenticated to access it. Please log in.");
        return false;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ex.getResponseHeaders().add("X-Error-Code", code);
        ex.getResponseHeaders().add("X-Error-Message", message);
        send(ex, status, ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    private static String infoJson(Repo repo) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("id", repo.id);
        root.put("modelId", repo.id);
        root.put("sha", repo.sha);
        root.put("private", false);
        if (repo.gated) {
            root.put("gated", "manual");
        } else {
            root.put("gated", false);
        }
        root.set("cardData", json.valueToTree(repo.cardData));
        ArrayNode siblings = root.putArray("siblings");
        repo.files.forEach((name, content) -> {
            ObjectNode s = siblings.addObject();
            s.put("rfilename", name);
            s.put("size", content.length);
            if (repo.isLfs(name)) {
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(content)
                        + "\nsize " + content.length + "\n";
                s.put("blobId", gitBlobSha1(pointer.getBytes(StandardCharsets.UTF_8)));
                ObjectNode lfs = s.putObject("lfs");
                lfs.put("sha256", sha256(content));
                lfs.put("size", content.length);
                lfs.put("pointerSize", pointer.length());
            } else {
                s.put("blobId", gitBlobSha1(content));
            }
        });
        return root.toString();
    }

    static String sha256(byte[] content) {
        return hex("SHA-256", new byte[0], content);
    }

    static String gitBlobSha1(byte[] content) {
        return hex("SHA-1", ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII), content);
    }

    private static String hex(String algorithm, byte[] prefix, byte[] content) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(prefix);
            return HexFormat.of().formatHex(md.digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
