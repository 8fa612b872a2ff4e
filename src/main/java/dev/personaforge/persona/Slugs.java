package dev.personaforge.persona;

import java.text.Normalizer;
import java.util.Locale;

/** Turns persona names into identifiers for URLs and API model ids, keeping non-Latin letters. */
public final class Slugs {

    private Slugs() {
    }

    public static String of(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        String slug = decomposed.replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 90) {
            slug = slug.substring(0, 90).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "persona" : slug;
    }
}
