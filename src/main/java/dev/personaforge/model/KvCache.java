package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Per-layer keys and values of the positions already processed, (B, nKv, S, hd) each, in its own manager. */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    /** Creates an empty cache for {@code numLayers} layers under {@code parent}. */
    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of cached positions (S). */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Appends this step's keys and values for one layer and returns the full (B, nKv, S, hd) pair. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        if (keys[layer] == null) {
            k.attach(manager);
            v.attach(manager);
            keys[layer] = k;
            values[layer] = v;
        } else {
            NDArray oldK = keys[layer];
            NDArray oldV = values[layer];
            keys[layer] = oldK.concat(k, 2); // (B, nKv, S + T, hd), owned by the cache manager
            values[layer] = oldV.concat(v, 2); // (B, nKv, S + T, hd)
            oldK.close();
            oldV.close();
        }
        return new NDArray[] {keys[layer], values[layer]};
    }

    @Override
    public void close() {
        manager.close();
    }
}
