package dev.personaforge.dataset;

import java.util.Objects;

/**
 * One pair as seen by the {@link DatasetSplitter}.
 *
 * @param id       the pair's id, unique within one call
 * @param pairHash the pair's {@link PairHash}, which makes the assignment stable as pairs come and go
 * @param pinned   the split the user chose; null means {@link PairSplit#AUTO}
 */
public record SplitInput(long id, String pairHash, PairSplit pinned) {

    public SplitInput {
        Objects.requireNonNull(pairHash, "pairHash");
        pinned = pinned == null ? PairSplit.AUTO : pinned;
    }
}
