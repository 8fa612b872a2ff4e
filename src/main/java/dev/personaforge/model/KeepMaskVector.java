package dev.personaforge.model;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout keep-masks from eight xoroshiro128++ generators stepped together on Java's vector API: the same bytes as
 * {@link Torch}'s scalar loop over the same eight generators, about five times as fast.
 *
 * <p>Only {@link Torch} calls this class, and only after it found the {@code jdk.incubator.vector} module: loading
 * it otherwise fails.
 */
final class KeepMaskVector {
    /** Eight 64-bit lanes whatever the CPU's vectors, so the masks do not depend on the hardware. */
    private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;

    private KeepMaskVector() {}

    /**
     * Fills {@code keep[from, from + 32 * blocks)}: per block, each generator's next output gives four 16-bit draws,
     * generator g's for bytes {@code 4g} to {@code 4g + 3}, and a byte is 1 when its draw is at least
     * {@code threshold}. Advances the states in {@code s0} and {@code s1}.
     */
    static void fill(byte[] keep, int from, int blocks, long[] s0, long[] s1, int threshold) {
        LongVector a = LongVector.fromArray(L, s0, 0);
        LongVector b = LongVector.fromArray(L, s1, 0);
        ShortVector limit = ShortVector.broadcast(S, (short) threshold);
        ShortVector one = ShortVector.broadcast(S, (short) 1);
        ShortVector zero = ShortVector.zero(S);
        for (int i = 0, at = from; i < blocks; i++, at += Torch.MASK_BLOCK) {
            LongVector result = a.add(b).lanewise(VectorOperators.ROL, 17).add(a);
            LongVector x = b.lanewise(VectorOperators.XOR, a);
            a = a.lanewise(VectorOperators.ROL, 49).lanewise(VectorOperators.XOR, x)
                    .lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHL, 21));
            b = x.lanewise(VectorOperators.ROL, 28);
            VectorMask<Short> kept = result.reinterpretAsShorts().compare(VectorOperators.UNSIGNED_GE, limit);
            ((ByteVector) zero.blend(one, kept).convertShape(VectorOperators.S2B, B, 0)).intoArray(keep, at);
        }
        a.intoArray(s0, 0);
        b.intoArray(s1, 0);
    }
}
