package dev.personaforge.run;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server's training queue: one run trains at a time, oldest first. A run is claimed with a conditional
 * update, so it starts once even when several workers look at the queue. Runs left "running" by a stopped
 * server are marked interrupted at start-up.
 */
@ApplicationScoped
public class RunQueue {

    private final String instanceId = "forge-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final Set<Long> cancelRequests = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread worker;

    @Inject
    RunExecutor executor;

    @ConfigProperty(name = "forge.runs.worker-enabled", defaultValue = "true")
    boolean workerEnabled;

    void start(@Observes StartupEvent event) {
        recoverInterrupted();
        if (workerEnabled) {
            running = true;
            worker = new Thread(this::work, "training-queue");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /**
     * Marks runs that a stopped server left "running" as interrupted, so they can be restarted; this server's own
     * runs are left alone.
     */
    int recoverInterrupted() {
        int interrupted = QuarkusTransaction.requiringNew().call(() -> {
            List<TrainingRun> stale = TrainingRun.list("status = ?1 and (claimedBy is null or claimedBy <> ?2)",
                    RunStatus.RUNNING, instanceId);
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
                try {
                    executor.execute(runId, () -> cancelRequests.contains(runId));
                } finally {
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
            int claimed = TrainingRun.update("status = ?1, claimedBy = ?2, startedAt = ?3, version = version + 1 "
                    + "where id = ?4 and status = ?5", RunStatus.RUNNING, instanceId, Instant.now(), candidates.get(0),
                    RunStatus.QUEUED);
            return claimed == 1 ? candidates.get(0) : null;
        });
    }
}
