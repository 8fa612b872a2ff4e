package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which LoRA adapter each row of a batch uses (or none), so one forward pass over the base weights
 * serves base and tuned rows together.
 *
 * <p>When every row uses the same adapter the delta is two plain projections (with dropout when
 * training). With a mix, each module's A and B are stacked per row, (B, in, r) and (B, r, out), zero
 * for rows without an adapter, and applied with two batched matmuls; the stacks are built once per
 * batch, in this object's manager, and reused at every decoding step.
 */
public final class AdapterBatch implements AutoCloseable {
    private final List<LoraAdapter> rows;
    private final NDManager manager;
    private final LoraRouting routing;
    /** Per module path, {@link LoraRouting#kernelDeltas}; an empty array where no row adapts the module. */
    private final Map<String, LoraDelta[]> kernelDeltas = new java.util.concurrent.ConcurrentHashMap<>();

    private AdapterBatch(List<LoraAdapter> rows, NDManager manager) {
        this.rows = rows;
        this.manager = manager;
        LoraAdapter first = rows.get(0);
        boolean uniform = rows.stream().allMatch(a -> a == first);
        if (first == null && uniform) {
            this.routing = null;
        } else if (uniform) {
            this.routing = new Single(first);
        } else {
            this.routing = new Stacked();
        }
    }

    /** One entry per batch row; null entries use the base model. */
    public static AdapterBatch of(NDManager parent, List<LoraAdapter> perRow) {
        if (perRow.isEmpty()) {
            throw new IllegalArgumentException("adapter batch needs at least one row");
        }
        return new AdapterBatch(Collections.unmodifiableList(new ArrayList<>(perRow)), parent.newSubManager());
    }

    /** Every row of a batch of {@code size} uses {@code adapter}. */
    public static AdapterBatch uniform(NDManager parent, LoraAdapter adapter, int size) {
        return of(parent, Collections.nCopies(size, adapter));
    }

    LoraRouting routing() {
        return routing;
    }

    private LoraDelta[] kernelDeltas(Linear module) {
        LoraDelta[] deltas = kernelDeltas.computeIfAbsent(module.path, path -> {
            Map<LoraAdapter, LoraDelta> byAdapter = new HashMap<>();
            LoraDelta[] perRow = new LoraDelta[rows.size()];
            boolean any = false;
            for (int i = 0; i < perRow.length; i++) {
                LoraAdapter a = rows.get(i);
                LoraAdapter.Pair p = a == null ? null : a.pair(path);
                if (p != null) {
                    perRow[i] = byAdapter.computeIfAbsent(a,
                            k -> LoraDelta.of(p, k.config().r(), (float) k.config().scaling()));
                    any = true;
                }
            }
            return any ? perRow : new LoraDelta[0];
        });
        return deltas.length == 0 ? null : deltas;
    }

    private final class Single implements LoraRouting {
        private final LoraAdapter adapter;
        private final float scaling;
        private final float dropout;

        Single(LoraAdapter adapter) {
            this.adapter = adapter;
            this.scaling = (float) adapter.config().scaling();
            this.dropout = (float) adapter.config().loraDropout();
        }

        @Override
        public NDArray apply(Linear module, NDArray x, NDArray y, boolean training) {
            LoraAdapter.Pair p = adapter.pair(module.path);
            if (p == null) {
                return y;
            }
            NDArray h = x; // (B, T, in)
            float scale = scaling;
            if (training && dropout > 0) {
                NDArray keep = Torch.keepMask(x.getManager(), x.getShape(), dropout); // (B, T, in), bool
                // where() reads the boolean mask as it is; mul() would first make a float copy of it
                try (NDArray zero = x.getManager().full(new Shape(), 0f, x.getDataType())) {
                    h = ai.djl.ndarray.NDArrays.where(keep, x, zero); // (B, T, in)
                }
                scale = scaling / (1 - dropout);
            }
            // Scaling the rank-r intermediate instead of the output touches r / out as many values.
            NDArray down = Torch.mul(Torch.linear(h, p.a, null), scale); // (B, T, r)
            // In place: autograd keeps the inputs of the projection that made y, never y itself.
            return y.addi(down.matMul(p.bT)); // (B, T, out)
        }

        @Override
        public LoraDelta[] kernelDeltas(Linear module) {
            return AdapterBatch.this.kernelDeltas(module);
        }
    }

    private final class Stacked implements LoraRouting {
        private final Map<String, NDArray[]> stacks = new HashMap<>();

        @Override
        public NDArray apply(Linear module, NDArray x, NDArray y, boolean training) {
            NDArray[] s = stacks.computeIfAbsent(module.path, k -> stack(module));
            if (s == null) {
                return y;
            }
            NDArray delta = x.matMul(s[0]).matMul(s[1]); // (B, T, r) -> (B, T, out)
            return y.addi(delta); // (B, T, out), in place as in Single
        }

        @Override
        public LoraDelta[] kernelDeltas(Linear module) {
            return AdapterBatch.this.kernelDeltas(module);
        }

        private NDArray[] stack(Linear module) {
            LoraDelta[] deltas = kernelDeltas(module); // the decoding kernels read the same copies
            if (deltas == null) {
                return null;
            }
            int rank = 0;
            for (LoraDelta d : deltas) {
                rank = Math.max(rank, d == null ? 0 : d.rank());
            }
            long in = module.inFeatures();
            long out = module.outFeatures();
            NDList as = new NDList();
            NDList bs = new NDList();
            for (LoraDelta d : deltas) {
                // (r, in) and (r, out) row-major are the first r rows of the (rank, in) and (rank, out) stacks
                float[] a = new float[(int) (rank * in)];
                float[] bt = new float[(int) (rank * out)];
                if (d != null) {
                    System.arraycopy(d.a(), 0, a, 0, d.a().length);
                    System.arraycopy(d.bt(), 0, bt, 0, d.bt().length);
                }
                as.add(manager.create(a, new Shape(rank, in)));
                bs.add(manager.create(bt, new Shape(rank, out)));
            }
            NDArray aStack = stackRows(as).transpose(0, 2, 1); // (B, in, r)
            NDArray bStack = stackRows(bs); // (B, r, out)
            as.close();
            bs.close();
            return new NDArray[] {aStack, bStack};
        }
    }

    private static NDArray stackRows(NDList list) {
        return ai.djl.ndarray.NDArrays.stack(list, 0);
    }

    /** Number of rows. */
    public int size() {
        return rows.size();
    }

    /** The adapter of one row, or null. */
    public LoraAdapter adapter(int row) {
        return rows.get(row);
    }

    /** True when any row uses an adapter. */
    public boolean hasAdapters() {
        return rows.stream().anyMatch(Objects::nonNull);
    }

    @Override
    public void close() {
        manager.close();
    }
}
