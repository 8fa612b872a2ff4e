package dev.personaforge.web;

import dev.personaforge.dataset.DatasetReport;
import dev.personaforge.dataset.LengthStats;
import dev.personaforge.persona.Persona;
import io.quarkus.qute.TemplateExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small computed values for the pages, so templates stay free of arithmetic. */
@TemplateExtension
public class TemplateExtensions {

    /** One row of the length statistics table. */
    public record LengthRow(String label, LengthStats stats) {
    }

    static long trainPercent(DatasetReport report) {
        return report.total() == 0 ? 0 : Math.round(report.train() * 100.0 / report.total());
    }

    static long validationPercent(DatasetReport report) {
        return report.total() == 0 ? 0 : 100 - trainPercent(report);
    }

    static List<LengthRow> lengthRows(DatasetReport report) {
        List<LengthRow> rows = new ArrayList<>();
        rows.add(new LengthRow("Prompt characters", report.promptChars()));
        rows.add(new LengthRow("Completion characters", report.completionChars()));
        if (report.promptTokens() != null) {
            rows.add(new LengthRow("Prompt tokens", report.promptTokens()));
            rows.add(new LengthRow("Completion tokens", report.completionTokens()));
            rows.add(new LengthRow("Pair tokens", report.pairTokens()));
        }
        return rows;
    }

    static String meanText(LengthStats stats) {
        return String.format(Locale.ROOT, "%.1f", stats.mean());
    }

    static String medianText(LengthStats stats) {
        return stats.median() == Math.rint(stats.median())
                ? Long.toString((long) stats.median()) : String.format(Locale.ROOT, "%.1f", stats.median());
    }

    private static final java.time.format.DateTimeFormatter SHORT_DATE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    /** A compact, unambiguous timestamp for tables. */
    static String shortDate(java.time.Instant instant) {
        return instant == null ? "" : SHORT_DATE.format(instant);
    }

    /** 1,234,567 */
    static String grouped(Long value) {
        return value == null ? "" : String.format(Locale.ROOT, "%,d", value);
    }

    static String fixed3(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.3f", value);
    }

    static String fixed2(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String scientific(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.2e", value);
    }

    static String rounded(Double value) {
        return value == null ? "–" : Long.toString(Math.round(value));
    }

    static String percent(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.1f%%", value * 100);
    }

    /** 1.23 GB */
    static String gigabytes(Long bytes) {
        return bytes == null ? "" : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** "1.0 MB", "269.1 MB", "2.4 GB" */
    static String humanBytes(Long bytes) {
        return bytes == null ? "" : dev.personaforge.hub.Sizes.human(bytes);
    }

    /** "3 min 20 s", "45 s", "2 h 5 min" */
    static String duration(Long seconds) {
        if (seconds == null) {
            return "";
        }
        long s = Math.max(0, seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** "0.1" or "0.2" for the split choices offered in the page, "custom" for any other ratio set through the API. */
    static String ratioChoice(Persona persona) {
        if (persona.validationRatio == 0.1) {
            return "0.1";
        }
        return persona.validationRatio == 0.2 ? "0.2" : "custom";
    }
}
