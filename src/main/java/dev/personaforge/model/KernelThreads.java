package dev.personaforge.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Worker threads that split one {@link HalfMatVec} product by output features, with the caller taking a share.
 *
 * <p>Decoding one token makes about two hundred products of a millisecond or less each, so handing work over
 * must cost microseconds: workers spin for a while after each product before they park. Only one caller uses
 * the workers at a time; a caller that finds them busy (another generation is decoding) computes alone.
 */
final class KernelThreads {
    /** How long an idle worker spins before parking: longer than the gaps between a decoding step's products. */
    private static final long SPIN_NANOS = 2_000_000;
    /** Products smaller than this many multiply-adds are not worth a handover. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;

    /** A share of a product: output features {@code from <= j < to}. */
    interface RangeTask {
        void run(int from, int to);
    }

    private static volatile KernelThreads shared;

    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();

    private KernelThreads(int threads) {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("forge-matvec-" + (i + 1));
            workers[i].thread.start();
        }
    }

    /** The pool for {@code threads} threads in all (the caller counts as one); replaced when the count changes. */
    static KernelThreads shared(int threads) {
        KernelThreads pool = shared;
        if (pool == null || pool.workers.length != threads - 1) {
            synchronized (KernelThreads.class) {
                pool = shared;
                if (pool == null || pool.workers.length != threads - 1) {
                    if (pool != null) {
                        pool.stop();
                    }
                    pool = new KernelThreads(Math.max(1, threads));
                    shared = pool;
                }
            }
        }
        return pool;
    }

    /**
     * Runs {@code task} over {@code 0 <= j < size}, split into contiguous shares whose bounds are multiples of
     * {@code align}; returns when every share is done and rethrows the first failure.
     *
     * @param work multiply-adds in the whole product, to leave small ones on the caller
     */
    void run(int size, int align, long work, RangeTask task) {
        if (workers.length == 0 || work < MIN_PARALLEL_WORK || !lock.tryLock()) {
            task.run(0, size);
            return;
        }
        try {
            int parts = workers.length + 1;
            int share = (size + parts - 1) / parts;
            share = (share + align - 1) / align * align;
            int given = 0;
            for (int i = 0; i < workers.length; i++) {
                int from = Math.min(size, share * (i + 1));
                int to = Math.min(size, from + share);
                if (from < to) {
                    workers[i].give(task, from, to);
                    given = i + 1;
                }
            }
            Throwable failure = null;
            try {
                task.run(0, Math.min(size, share));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int i = 0; i < given; i++) {
                Throwable t = workers[i].await();
                if (failure == null) {
                    failure = t;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private void stop() {
        for (Worker w : workers) {
            w.stopped = true;
            LockSupport.unpark(w.thread);
        }
    }

    private static final class Worker implements Runnable {
        private static final int IDLE = 0;
        private static final int GIVEN = 1;
        private static final int DONE = 2;

        final Thread thread;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile boolean parked;
        volatile boolean stopped;
        private RangeTask task;
        private int from;
        private int to;
        private Throwable failure;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        /** Hands over a share; the plain fields are published by the volatile write of the state. */
        void give(RangeTask task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
            this.failure = null;
            state.set(GIVEN);
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** Waits for the share handed over last and returns what it threw, or null. */
        Throwable await() {
            int spins = 0;
            while (state.get() != DONE) {
                if (++spins < 1 << 16) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            state.set(IDLE);
            Throwable t = failure;
            task = null;
            return t;
        }

        @Override
        public void run() {
            while (!stopped) {
                long spinStart = System.nanoTime();
                while (state.get() != GIVEN && !stopped) {
                    if (System.nanoTime() - spinStart < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (state.get() != GIVEN && !stopped) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        spinStart = System.nanoTime();
                    }
                }
                if (stopped) {
                    return;
                }
                try {
                    task.run(from, to);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                state.set(DONE);
            }
        }
    }
}
