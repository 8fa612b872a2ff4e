package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Per-layer keys and values of the positions already processed, (B, nKv, S, hd) each, in its own manager.
 *
 * <p>Each layer keeps a buffer with room for more positions than it holds, and a step writes only its own
 * positions into it: concatenating instead copied the whole cache at every step, which made a decoding step's
 * cost grow with the length decoded so far and doubled for a batch of two. A full buffer is replaced by one of
 * twice the room.
 */
public final class KvCache implements AutoCloseable {
    /** Room for this many positions at least, so that short prompts do not regrow the buffers right away. */
    private static final long MIN_CAPACITY = 64;

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final long[] lengths;

    /** Creates an empty cache for {@code numLayers} layers under {@code parent}. */
    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
        this.lengths = new long[numLayers];
    }

    /** Number of cached positions (S). */
    public long length() {
        return lengths[0];
    }

    /**
     * Appends this step's keys and values for one layer and returns the full (B, nKv, S, hd) pair: views of the
     * buffers, in the manager of {@code k}, valid until the next append to this layer.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long past = lengths[layer];
        long now = past + k.getShape().get(2);
        keys[layer] = withRoom(keys[layer], k, past, now);
        values[layer] = withRoom(values[layer], v, past, now);
        NDIndex added = new NDIndex(":, :, {}:{}", past, now);
        keys[layer].set(added, k);
        values[layer].set(added, v);
        lengths[layer] = now;
        NDIndex filled = new NDIndex(":, :, :{}", now);
        NDArray allKeys = keys[layer].get(filled); // (B, nKv, S, hd), a view of the buffer
        NDArray allValues = values[layer].get(filled); // (B, nKv, S, hd)
        allKeys.attach(k.getManager());
        allValues.attach(k.getManager());
        return new NDArray[] {allKeys, allValues};
    }

    /** {@code buffer}, or a new one with its first {@code past} positions when it has no room for {@code now}. */
    private NDArray withRoom(NDArray buffer, NDArray step, long past, long now) {
        if (buffer != null && buffer.getShape().get(2) >= now) {
            return buffer;
        }
        Shape s = step.getShape();
        long capacity = Math.max(MIN_CAPACITY, 2 * now);
        Shape room = new Shape(s.get(0), s.get(1), capacity, s.get(3));
        NDArray grown = manager.zeros(room, step.getDataType(), step.getDevice()); // (B, nKv, C, hd)
        if (buffer != null) {
            grown.set(new NDIndex(":, :, :{}", past), buffer.get(new NDIndex(":, :, :{}", past)));
            buffer.close();
        }
        return grown;
    }

    @Override
    public void close() {
        manager.close();
    }
}
