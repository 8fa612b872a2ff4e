package dev.personaforge.run;

import java.util.Locale;

/** How many of a model's parameters a run trains, in words: "1.2 M of 135 M parameters (0.9 %)". */
public final class ParameterShare {

    private ParameterShare() {
    }

    /** "1.2 M of 135 M parameters (0.9 %)"; an empty string when either count is unknown. */
    public static String describe(Long trainable, Long total) {
        if (trainable == null || total == null || total <= 0) {
            return "";
        }
        double percent = 100.0 * trainable / total;
        String share = percent >= 0.1 || percent == 0 ? String.format(Locale.ROOT, "%.1f", percent)
                : percent >= 0.01 ? String.format(Locale.ROOT, "%.2f", percent) : "< 0.01";
        return compact(trainable) + " of " + compact(total) + " parameters (" + share + " %)";
    }

    /** 950, 90.9 K, 260 K, 1.2 M, 135 M, 1.2 B. */
    static String compact(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        String[] units = {"K", "M", "B", "T"};
        double value = n;
        int unit = -1;
        while (value >= 999.95 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 99.95 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }
}
