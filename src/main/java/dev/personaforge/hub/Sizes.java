package dev.personaforge.hub;

import java.util.Locale;

/**
 * Formats byte counts for people ("1.2 GB").
 */
public final class Sizes {

    private static final String[] UNITS = {"bytes", "KB", "MB", "GB", "TB"};

    private Sizes() {
    }

    /** {@code bytes} in decimal units with one decimal, e.g. {@code 269.1 MB}. */
    public static String human(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
