package dev.personaforge.dataset;

import java.util.List;

/** One page of a persona's pairs after search and filters; {@code page} counts from 0. */
public record PairPage(List<PairView> items, long total, int page, int size) {

    public int totalPages() {
        return (int) Math.max(1, (total + size - 1) / size);
    }

    /** 1-based page number for display. */
    public int number() {
        return page + 1;
    }

    public int previousPage() {
        return Math.max(0, page - 1);
    }

    public int nextPage() {
        return page + 1;
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return page + 1 < totalPages();
    }

    /** 1-based number of the first pair shown, for "pairs 51–100 of 340". */
    public long firstShown() {
        return items.isEmpty() ? 0 : (long) page * size + 1;
    }

    public long lastShown() {
        return (long) page * size + items.size();
    }
}
