package dev.personaforge.model;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

import java.util.Locale;

/**
 * Tunes glibc's allocator so libtorch's large activation buffers are reused instead of being handed
 * back to the kernel after every operation.
 *
 * <p>libtorch allocates CPU tensors with plain {@code posix_memalign}. With glibc's defaults a
 * multi-megabyte buffer is served by {@code mmap} and returned with {@code munmap} when freed, so every
 * elementwise op over a (8, 256, 1536) activation first page-faults 12 MB of fresh zeroed pages: a
 * measured 6x slowdown of such ops during training. Raising the mmap threshold to its maximum and the
 * trim threshold to 1 GB keeps freed buffers in the heap for the next op; the cost is that up to that
 * much freed memory stays resident. This is the CPU equivalent of PyTorch's advice to run training
 * under jemalloc or tcmalloc, done in-process because the app cannot choose its launch environment.
 */
final class GlibcMalloc {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc caps the mmap threshold at HEAP_MAX_SIZE / 2, 32 MB on 64-bit. */
    static final int MMAP_THRESHOLD_BYTES = 32 << 20;
    static final int TRIM_THRESHOLD_BYTES = 1 << 30;

    private GlibcMalloc() {}

    /**
     * Applies the thresholds when running on Linux with glibc; returns whether both were accepted. Off
     * with {@code -Dforge.malloc.tuning=false}.
     */
    static boolean tune() {
        if (!Boolean.parseBoolean(System.getProperty("forge.malloc.tuning", "true"))
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            int mmap = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES});
            int trim = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES});
            return mmap == 1 && trim == 1;
        } catch (LinkageError | RuntimeException e) {
            // musl or another libc without mallopt: the defaults are slower, not wrong.
            return false;
        }
    }
}
