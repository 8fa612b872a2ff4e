package dev.personaforge.model;

import ai.djl.pytorch.jni.JniUtils;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The thread that runs few-row forward passes while {@link HalfMatVec} decodes, with libtorch single-threaded
 * on it.
 *
 * <p>The kernels split every projection over {@link KernelThreads}, which need the cores to themselves. libtorch's
 * OpenMP workers spin for a while after each parallel operation, so on a thread where libtorch may use several
 * threads, a decoding step's small operations keep them spinning on the very cores the kernels compute on (a
 * decoding step got six times slower). libtorch's thread count belongs to the calling thread once that thread has
 * used it, so this one thread is set to one and everything else keeps the configured count.
 */
final class DecodeThread {
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "forge-decode");
        t.setDaemon(true);
        return t;
    });

    private DecodeThread() {}

    /**
     * Sets libtorch to one thread on the decode thread. Setting it also changes the default for threads that have
     * not used libtorch yet, so the caller restores that to {@code threads} right after; call once, from
     * {@link Torch#init()}, before other threads run models.
     */
    static void start(int threads) {
        call(() -> {
            JniUtils.getNumThreads(); // makes libtorch settle this thread's count before it is changed
            JniUtils.setNumThreads(1);
            return null;
        });
        JniUtils.setNumThreads(threads);
    }

    /** Runs {@code work} on the decode thread and returns its result, rethrowing what it threw. */
    static <T> T call(Supplier<T> work) {
        Future<T> f = EXECUTOR.submit(work::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    // the step is already running on libtorch; let it finish so the cache stays consistent
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
