package dev.personaforge.run;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server's training queue: one run trains at a time, oldest first. A run is claimed with a conditional
 * update, so it starts once even when several workers look at the queue. Runs left "running" by a stopped
 * server are marked interrupted at start-up.
 */
@ApplicationScoped
public class RunQueue {

    /** Names this server in claimed runs; defaults to a random id, set it to the host's name when running several. */
    @ConfigProperty(name = "forge.runs.instance-id")
    java.util.Optional<String> configuredInstanceId;

    private String instanceId = "forge-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final Set<Long> cancelRequests = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile Long current;
    private Thread worker;
    private ScheduledExecutorService heartbeat;

    /** How often the instance training a run says so in the database, and picks up cancels made elsewhere. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** A running run whose heartbeat is older than this lost its instance. */
    static final Duration STALE_AFTER = Duration.ofSeconds(30);

    @Inject
    RunExecutor executor;

    @ConfigProperty(name = "forge.runs.worker-enabled", defaultValue = "true")
    boolean workerEnabled;

    void start(@Observes StartupEvent event) {
        configuredInstanceId.filter(id -> !id.isBlank()).ifPresent(id -> instanceId = id.strip());
        recoverInterrupted();
        if (workerEnabled) {
            running = true;
            worker = new Thread(this::work, "training-queue");
            worker.setDaemon(true);
            worker.start();
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Refreshes the heartbeat of the run this instance trains, adopts a cancel requested through another instance,
     * and marks runs of instances that stopped beating as interrupted.
     */
    void beat() {
        try {
            Long runId = current;
            if (runId != null) {
                boolean cancel = QuarkusTransaction.requiringNew().call(() -> {
                    TrainingRun.update("heartbeatAt = ?1 where id = ?2 and claimedBy = ?3", Instant.now(), runId,
                            instanceId);
                    TrainingRun run = TrainingRun.findById(runId);
                    return run != null && run.cancelRequested;
                });
                if (cancel) {
                    cancelRequests.add(runId);
                }
            }
            recoverInterrupted();
        } catch (RuntimeException e) {
            Log.warnf("Training heartbeat failed: %s", e.getMessage());
        }
    }

    /**
     * Marks runs that a stopped server left "running" as interrupted, so they can be restarted: runs of other
     * instances whose heartbeat is older than {@link #STALE_AFTER}; this server's own runs are left alone.
     */
    int recoverInterrupted() {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        int interrupted = QuarkusTransaction.requiringNew().call(() -> {
            List<TrainingRun> stale = TrainingRun.list("status = ?1 and (claimedBy is null or claimedBy <> ?2) "
                    + "and (heartbeatAt is null or heartbeatAt < ?3)", RunStatus.RUNNING, instanceId, cutoff);
            for (TrainingRun run : stale) {
                run.status = RunStatus.INTERRUPTED;
                run.finishedAt = Instant.now();
                run.error = "The server stopped while this run was training. Restart it to train again from step 0.";
            }
            return stale.size();
        });
        if (interrupted > 0) {
            Log.infof("Marked %d run(s) interrupted by the last shutdown", interrupted);
        }
        return interrupted;
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }

    /** Tells the worker that a run was queued, so it need not wait for its next look. */
    public void wake() {
        wake.release();
    }

    public void requestCancel(long runId) {
        cancelRequests.add(runId);
    }

    /** True when the run was asked to stop, by this server or (through the database) another one. */
    public boolean cancelRequested(long runId) {
        return cancelRequests.contains(runId);
    }

    private void work() {
        while (running) {
            try {
                Long runId = claimNext();
                if (runId == null) {
                    wake.tryAcquire(2, TimeUnit.SECONDS);
                    continue;
                }
                current = runId;
                try {
                    executor.execute(runId, () -> cancelRequests.contains(runId));
                } finally {
                    current = null;
                    cancelRequests.remove(runId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.error("Training queue error", e);
            }
        }
    }

    /** Claims the oldest queued run for this server, or returns null when none is waiting. */
    Long claimNext() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Long> candidates = TrainingRun.getEntityManager()
                    .createQuery("select r.id from TrainingRun r where r.status = :queued order by r.id", Long.class)
                    .setParameter("queued", RunStatus.QUEUED)
                    .setMaxResults(1)
                    .getResultList();
            if (candidates.isEmpty()) {
                return null;
            }
            Instant now = Instant.now();
            int claimed = TrainingRun.update("status = ?1, claimedBy = ?2, startedAt = ?3, heartbeatAt = ?3, "
                    + "version = version + 1 where id = ?4 and status = ?5", RunStatus.RUNNING, instanceId, now,
                    candidates.get(0), RunStatus.QUEUED);
            return claimed == 1 ? candidates.get(0) : null;
        });
    }
}
