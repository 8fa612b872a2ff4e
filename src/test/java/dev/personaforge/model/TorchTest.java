package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchTest {

    @Test
    void keepMaskKeepsOneMinusPAndRepeatsForTheSameSeed() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Shape shape = new Shape(64, 1001);
            Torch.seed(42);
            NDArray first = Torch.keepMask(manager, shape, 0.1f);
            NDArray second = Torch.keepMask(manager, shape, 0.1f);
            Torch.seed(42);
            NDArray again = Torch.keepMask(manager, shape, 0.1f);

            assertEquals(DataType.BOOLEAN, first.getDataType());
            assertEquals(shape, first.getShape());
            double kept = first.toType(DataType.FLOAT32, false).mean().getFloat();
            // 64,064 draws: the standard error of the kept fraction is about 0.0012.
            assertEquals(0.9, kept, 0.006);
            assertArrayEquals(first.toBooleanArray(), again.toBooleanArray());
            assertFalse(java.util.Arrays.equals(first.toBooleanArray(), second.toBooleanArray()));
        }
    }

    @Test
    void keepMaskWithZeroPKeepsEverything() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray mask = Torch.keepMask(manager, new Shape(3, 5), 0f);
            assertTrue(mask.all().getBoolean());
        }
    }
}
