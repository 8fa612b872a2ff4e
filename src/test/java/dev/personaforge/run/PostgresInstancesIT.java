package dev.personaforge.run;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.personaforge.run.RunTestSupport.awaitStatus;
import static dev.personaforge.run.RunTestSupport.settings;
import static dev.personaforge.run.RunTestSupport.start;
import static dev.personaforge.run.RunTestSupport.storyPersona;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two instances of the PostgreSQL build of the packaged app (target/postgresql/quarkus-app) on one fresh database and
 * one shared storage folder, as a deployment that outgrew one machine runs them: data written through one is read
 * through the other, every queued run is trained by exactly one instance, outputs are shared, and a cancel sent to
 * either instance stops a run wherever it trains. Needs {@code FORGE_TEST_PG_URL} (a JDBC URL of a database the
 * user may create databases from; {@code FORGE_TEST_PG_USER}/{@code FORGE_TEST_PG_PASSWORD}, default forge/forge).
 */
@EnabledIfEnvironmentVariable(named = "FORGE_TEST_PG_URL", matches = ".+",
        disabledReason = "FORGE_TEST_PG_URL is not set: skipping the PostgreSQL and two-instance tests (.ci/run sets it)")
class PostgresInstancesIT {

    private static final Path APP = Path.of("target", "postgresql", "quarkus-app", "quarkus-run.jar");
    private static final String USER = env("FORGE_TEST_PG_USER", "forge");
    private static final String PASSWORD = env("FORGE_TEST_PG_PASSWORD", "forge");

    private static String database;
    private static final List<Process> instances = new ArrayList<>();
    private static final List<Integer> ports = new ArrayList<>();

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String adminUrl() {
        return System.getenv("FORGE_TEST_PG_URL");
    }

    /** The admin URL with its database swapped for {@code name}. */
    private static String urlOf(String name) {
        String admin = adminUrl();
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        return admin.substring(0, slash + 1) + name + (query < 0 ? "" : admin.substring(query));
    }

    @BeforeAll
    static void startTwoInstances() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: the postgresql-tests Maven profile builds it when "
                + "FORGE_TEST_PG_URL is set");
        database = "forge_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        Path root = Files.createDirectories(Path.of("target", "postgresql", database));
        Path shared = Files.createDirectories(root.resolve("shared-storage"));
        for (String name : List.of("a", "b")) {
            int port = freePort();
            Path data = Files.createDirectories(root.resolve("data-" + name));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx3g", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Dquarkus.profile=pg", "-Dquarkus.http.port=" + port,
                    "-Dforge.data-dir=" + data.toAbsolutePath(), "-Dforge.runs.instance-id=instance-" + name, "-Dforge.storage-dir=" + shared.toAbsolutePath(),
                    "-jar", APP.toAbsolutePath().toString());
            pb.environment().put("PG_JDBC_URL", urlOf(database));
            pb.environment().put("PG_USER", USER);
            pb.environment().put("PG_PASSWORD", PASSWORD);
            pb.redirectErrorStream(true).redirectOutput(root.resolve("instance-" + name + ".log").toFile());
            instances.add(pb.start());
            ports.add(port);
        }
        for (int i = 0; i < ports.size(); i++) {
            awaitUp(ports.get(i), instances.get(i), root.resolve("instance-" + (i == 0 ? "a" : "b") + ".log"));
        }
    }

    @AfterAll
    static void stopInstances() throws Exception {
        for (Process p : instances) {
            p.destroy();
        }
        for (Process p : instances) {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        RestAssured.reset();
        if (database != null) {
            try (Connection c = DriverManager.getConnection(adminUrl(), USER, PASSWORD); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitUp(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("instance on port " + port + " exited: " + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + port + "/").toURL().openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        fail("instance on port " + port + " did not start: " + Files.readString(log));
    }

    /** Points the REST helpers at instance {@code i} (0 or 1). */
    private static void on(int i) {
        RestAssured.port = ports.get(i);
    }

    private static List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(urlOf(database), USER, PASSWORD);
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int col = 1; col <= r.getMetaData().getColumnCount(); col++) {
                        row.put(r.getMetaData().getColumnLabel(col), r.getObject(col));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    @Test
    void dataWrittenThroughOneInstanceIsReadThroughTheOther() throws SQLException {
        on(0);
        long persona = given().contentType(ContentType.JSON).body(Map.of("name", "경상도 아지매 " + UUID.randomUUID()
                        .toString().substring(0, 6), "baseModel", "HuggingFaceTB/SmolLM2-135M-Instruct",
                        "systemPrompt", "니 밥 뭇나? 경상도 사투리로 말한다."))
                .post("/api/personas").then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType("application/x-ndjson").queryParam("filename", "pairs.jsonl")
                .body(("{\"prompt\":\"안녕하세요\",\"completion\":\"어서 온나, 밥은 뭇나?\"}\n"
                        + "{\"prompt\":\"날씨 어때요?\",\"completion\":\"억수로 덥다 아이가.\"}\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/personas/" + persona + "/import").then().statusCode(200).body("imported", equalTo(2));
        on(1);
        given().get("/api/personas/" + persona).then().statusCode(200)
                .body("systemPrompt", equalTo("니 밥 뭇나? 경상도 사투리로 말한다."));
        given().get("/api/personas/" + persona + "/stats").then().statusCode(200).body("total", equalTo(2));
        assertEquals(2, rows("select id from training_pair where persona_id = ?", persona).size());
        given().delete("/api/personas/" + persona).then().statusCode(204);
        on(0);
        given().get("/api/personas/" + persona).then().statusCode(404);
        assertEquals(0, rows("select id from training_pair where persona_id = ?", persona).size());
    }

    @Test
    void everyQueuedRunIsTrainedByExactlyOneInstanceAndItsOutputIsShared() throws SQLException {
        on(0);
        long persona = storyPersona(12);
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(start(persona, settings("epochs", 2, "seed", 100 + i)));
        }
        on(1);
        for (long run : runs) {
            assertEquals("SUCCEEDED", awaitStatus(run, Set.of("SUCCEEDED", "FAILED"), Duration.ofMinutes(5)),
                    () -> given().get("/api/runs/" + run).asString());
        }
        Set<String> claimers = new HashSet<>();
        for (long run : runs) {
            Map<String, Object> row = rows("select claimed_by from training_run where id = ?", run).get(0);
            assertNotNull(row.get("claimed_by"));
            claimers.add((String) row.get("claimed_by"));
            long trainings = rows("select message from run_log where run_id = ?", run).stream()
                    .filter(r -> ((String) r.get("message")).startsWith("Training ")).count();
            assertEquals(1, trainings, "run " + run + " was trained once");
        }
        assertEquals(2, claimers.size(), "both instances took runs from the queue: " + claimers);

        for (int i = 0; i < 2; i++) {
            on(i);
            long run = runs.get(0);
            String session = given().contentType(ContentType.JSON).body(Map.of("personaId", persona, "runIds", List.of(run)))
                    .post("/api/chat/sessions").then().statusCode(201).extract().jsonPath().getString("id");
            given().contentType(ContentType.JSON).accept("text/event-stream")
                    .body(Map.of("message", "Tell me about the cat.", "maxTokens", 20, "temperature", 0))
                    .post("/api/chat/sessions/" + session + "/messages").then().statusCode(200)
                    .body(containsString("finishReason"));
            given().get("/api/runs/" + run + "/export/model").then().statusCode(200);
        }
    }

    @Test
    void aCancelSentToEitherInstanceStopsTheRunWhereverItTrains() throws Exception {
        on(0);
        long persona = storyPersona(12);
        long run = start(persona, settings("epochs", 100));
        assertEquals("RUNNING", awaitStatus(run, Set.of("RUNNING", "SUCCEEDED", "FAILED"), Duration.ofMinutes(2)));
        String claimer = (String) rows("select claimed_by from training_run where id = ?", run).get(0).get("claimed_by");
        on(claimer.equals("instance-a") ? 1 : 0);
        given().contentType(ContentType.JSON).body("{}").post("/api/runs/" + run + "/cancel").then().statusCode(200);
        assertEquals("CANCELLED", awaitStatus(run, Set.of("CANCELLED", "SUCCEEDED", "FAILED"), Duration.ofSeconds(60)),
                "the run trained by " + claimer + " stops");
    }
}
