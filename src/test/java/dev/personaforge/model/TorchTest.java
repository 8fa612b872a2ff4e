package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The libtorch helpers the engine adds to DJL: scalar products safe for autograd and LoRA dropout masks. */
class TorchTest {

    /**
     * DJL's {@code mul(Number)} hands autograd a scalar that lives in a Java buffer it frees right away; after a
     * garbage collection and some small direct allocations that reuse the memory, the backward pass read
     * 9e-39 instead of the scalar in every trial (the training runs saw huge or infinite gradient norms).
     */
    @Test
    void scalarProductsKeepTheirGradientAfterGarbageCollection() throws InterruptedException {
        Torch.init();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (int trial = 0; trial < 5; trial++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.ones(new Shape(4));
                    x.setRequiresGradient(true);
                    boolean previous = Torch.setGradMode(true);
                    NDArray sum = Torch.mul(x, 3f);
                    for (int k = 1; k < 200; k++) {
                        sum = sum.add(Torch.mul(x, 3f));
                    }
                    NDArray loss = sum.sum();
                    Torch.setGradMode(previous);
                    System.gc();
                    Thread.sleep(50);
                    List<ByteBuffer> reuse = new ArrayList<>();
                    for (int k = 0; k < 20_000; k++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4);
                        b.putInt(0, Float.floatToIntBits(Float.POSITIVE_INFINITY));
                        reuse.add(b);
                    }
                    Torch.backward(loss);
                    assertArrayEquals(new float[] {600f, 600f, 600f, 600f}, x.getGradient().toFloatArray(), "trial " + trial);
                }
            }
        }
    }

    @Test
    void keepMasksDropTheRequestedShareAndRepeatAfterReseeding() {
        Torch.init();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Shape shape = new Shape(8, 256, 576);
            Torch.seed(7);
            NDArray first = Torch.keepMask(manager, shape, 0.05f);
            assertEquals(DataType.BOOLEAN, first.getDataType());
            assertEquals(shape, first.getShape());
            double kept = first.toType(DataType.FLOAT32, false).mean().getFloat();
            assertEquals(0.95, kept, 0.002, "share of kept elements");
            // each half of the mask drops its share, and the halves are not copies of each other
            float[] values = first.toType(DataType.FLOAT32, false).toFloatArray();
            int half = values.length / 2;
            double firstHalf = 0;
            double secondHalf = 0;
            int same = 0;
            for (int i = 0; i < half; i++) {
                firstHalf += values[i] / half;
                secondHalf += values[half + i] / half;
                same += values[i] == values[half + i] ? 1 : 0;
            }
            assertEquals(0.95, firstHalf, 0.003, "share kept in the first half");
            assertEquals(0.95, secondHalf, 0.003, "share kept in the second half");
            assertTrue(same < 0.95 * half, "the halves are independent: " + same + " of " + half + " agree");
            NDArray second = Torch.keepMask(manager, shape, 0.05f);
            assertTrue(!first.contentEquals(second), "successive masks differ");
            Torch.seed(7);
            assertTrue(first.contentEquals(Torch.keepMask(manager, shape, 0.05f)), "reseeding repeats the masks");
            Torch.seed(7);
            NDArray none = Torch.keepMask(manager, new Shape(1000), 0f);
            assertEquals(1000, none.toType(DataType.FLOAT32, false).sum().getFloat());
        }
    }

    /** The vector API's masks are byte for byte those of the scalar loop over the same generators. */
    @Test
    void vectorAndScalarMasksAreTheSame() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "tests run with the vector API");
        for (int[] range : new int[][] {{0, 100_003}, {7, 71}, {0, 31}, {64, 64 + 32 * 5}}) {
            for (int threshold : new int[] {0, 3277, 40000}) {
                byte[] vector = new byte[range[1]];
                byte[] scalar = new byte[range[1]];
                Torch.fillKeep(vector, range[0], range[1], 42, threshold, true);
                Torch.fillKeep(scalar, range[0], range[1], 42, threshold, false);
                assertTrue(java.util.Arrays.equals(vector, scalar), "range " + range[0] + ".." + range[1] + ", threshold " + threshold);
                long kept = 0;
                for (int i = range[0]; i < range[1]; i++) {
                    kept += vector[i];
                }
                double expected = (range[1] - range[0]) * (1 - threshold / 65536.0);
                assertEquals(expected, kept, 5 * Math.sqrt(range[1] - range[0]) + 1, "kept at threshold " + threshold);
            }
        }
    }
}
