package dev.personaforge.hub;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model's licence as far as it can be told, with a warning when it is unknown or restricts use.
 *
 * @param id          licence id as the Hub spells it ({@code apache-2.0}, {@code llama3.2}, ...), or
 *                    {@code null} when unknown
 * @param displayName name to show ("Apache License 2.0")
 * @param source      where the licence was found
 * @param link        a link to the licence text when the card gives one, else {@code null}
 * @param warning     what restricts use, or why the licence is unknown; {@code null} for permissive licences
 */
public record LicenceInfo(String id, String displayName, Source source, String link, String warning) {

    /** Where a licence was found. */
    public enum Source {
        MODEL_CARD("model card"),
        LICENSE_FILE("LICENSE file"),
        UNKNOWN("unknown");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** The words to show: "model card", "LICENSE file" or "unknown". */
        public String label() {
            return label;
        }
    }

    private static final String CHECK = " Read the licence before using the model or sharing a fine-tuned copy.";
    private static final String NON_COMMERCIAL = "Non-commercial licence: neither the model nor anything fine-tuned "
            + "from it may be used commercially.";
    private static final String NO_DERIVATIVES = "No-derivatives licence: sharing a fine-tuned version of the model "
            + "is not allowed.";
    private static final String RESEARCH = "Research-only licence: the model and anything fine-tuned from it may "
            + "only be used for research, not in products.";
    private static final String COPYLEFT = "Copyleft licence: a fine-tuned model you share must be offered under the "
            + "same licence.";
    private static final String LLAMA3X = " Community License: use must follow Meta's Acceptable Use Policy; products "
            + "or services with more than 700 million monthly active users need a separate licence from Meta; shared "
            + "models must show \"Built with Llama\" and fine-tuned models you share must have names starting with \"Llama\".";

    private static final Map<String, Known> KNOWN = known();
    private static final List<TextRule> TEXT_RULES = textRules();

    public LicenceInfo {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(source, "source");
        if (source == Source.UNKNOWN ? id != null || warning == null : id == null || id.isBlank()) {
            throw new IllegalArgumentException("A known licence needs an id; an unknown one needs a warning and no id");
        }
    }

    /** Whether the licence is known and allows use, modification and sharing without special conditions. */
    public boolean isPermissive() {
        return warning == null;
    }

    /**
     * The licence a model card declares.
     *
     * @param license     the card's {@code license} value
     * @param licenseName the card's {@code license_name}, used when {@code license} is {@code other}
     * @param licenseLink the card's {@code license_link}, or {@code null}
     */
    public static LicenceInfo fromCard(String license, String licenseName, String licenseLink) {
        String declared = normalise(license);
        if (declared == null) {
            return unknown("The model card declares no licence." + CHECK);
        }
        String name = normalise(licenseName);
        String link = blankToNull(licenseLink);
        if (declared.equals("other") && name != null) {
            Known named = KNOWN.get(name);
            if (named != null) {
                return new LicenceInfo(name, named.display(), Source.MODEL_CARD, link, named.warning());
            }
            return new LicenceInfo(name, licenseName.strip(), Source.MODEL_CARD, link,
                    "Custom licence \"" + licenseName.strip() + "\"" + (link == null ? "" : " (" + link + ")") + "." + CHECK);
        }
        if (declared.equals("other") || declared.equals("unknown")) {
            return new LicenceInfo(declared, declared.equals("other") ? "Other (custom licence)" : "Unknown",
                    Source.MODEL_CARD, link, "The model card names no standard licence"
                    + (link == null ? "" : "; see " + link) + "." + CHECK);
        }
        Known known = KNOWN.get(declared);
        if (known == null) {
            return new LicenceInfo(declared, license.strip(), Source.MODEL_CARD, link,
                    "Unrecognised licence \"" + license.strip() + "\"." + CHECK);
        }
        return new LicenceInfo(declared, known.display(), Source.MODEL_CARD, link, known.warning());
    }

    /**
     * The licence guessed from the text of a {@code LICENSE} file, or unknown when the text is not recognised.
     *
     * @param text     the file's content
     * @param fileName the file's name, for messages
     */
    public static LicenceInfo fromLicenceText(String text, String fileName) {
        String flat = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        for (TextRule rule : TEXT_RULES) {
            if (rule.pattern().matcher(flat).find()) {
                Known known = KNOWN.get(rule.id());
                return new LicenceInfo(rule.id(), known.display(), Source.LICENSE_FILE, null, known.warning());
            }
        }
        return unknown("The model card declares no licence and the text of " + fileName
                + " was not recognised as a known licence." + CHECK);
    }

    /** An unknown licence, with {@code why} as its warning. */
    public static LicenceInfo unknown(String why) {
        return new LicenceInfo(null, "Unknown", Source.UNKNOWN, null, why);
    }

    private static String normalise(String s) {
        return s == null || s.isBlank() ? null : s.strip().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private record Known(String display, String warning) {
    }

    private record TextRule(String id, Pattern pattern) {
    }

    private static Map<String, Known> known() {
        Map<String, Known> m = new LinkedHashMap<>();
        permissive(m, "apache-2.0", "Apache License 2.0");
        permissive(m, "mit", "MIT License");
        permissive(m, "bsd", "BSD License");
        permissive(m, "bsd-2-clause", "BSD 2-Clause License");
        permissive(m, "bsd-3-clause", "BSD 3-Clause License");
        permissive(m, "bsd-3-clause-clear", "BSD 3-Clause Clear License");
        permissive(m, "isc", "ISC License");
        permissive(m, "zlib", "zlib License");
        permissive(m, "unlicense", "The Unlicense");
        permissive(m, "wtfpl", "WTFPL");
        permissive(m, "cc0-1.0", "CC0 1.0 (public domain)");
        permissive(m, "pddl", "ODC Public Domain Dedication");
        permissive(m, "odc-by", "ODC Attribution License");
        for (String v : List.of("2.0", "2.5", "3.0", "4.0")) {
            permissive(m, "cc-by-" + v, "Creative Commons Attribution " + v);
        }
        permissive(m, "openrail", "OpenRAIL");
        permissive(m, "openrail++", "OpenRAIL++");
        permissive(m, "bigscience-openrail-m", "BigScience OpenRAIL-M");
        permissive(m, "creativeml-openrail-m", "CreativeML OpenRAIL-M");
        permissive(m, "bigcode-openrail-m", "BigCode OpenRAIL-M");
        permissive(m, "bigscience-bloom-rail-1.0", "BigScience BLOOM RAIL 1.0");
        permissive(m, "mpl-2.0", "Mozilla Public License 2.0");
        permissive(m, "afl-3.0", "Academic Free License 3.0");
        permissive(m, "artistic-2.0", "Artistic License 2.0");
        permissive(m, "bsl-1.0", "Boost Software License 1.0");
        permissive(m, "ecl-2.0", "Educational Community License 2.0");
        permissive(m, "epl-1.0", "Eclipse Public License 1.0");
        permissive(m, "epl-2.0", "Eclipse Public License 2.0");
        permissive(m, "ms-pl", "Microsoft Public License");
        permissive(m, "postgresql", "PostgreSQL License");
        permissive(m, "ncsa", "University of Illinois/NCSA License");
        permissive(m, "ofl-1.1", "SIL Open Font License 1.1");
        permissive(m, "etalab-2.0", "Etalab Open License 2.0");
        permissive(m, "cdla-permissive-1.0", "CDLA Permissive 1.0");
        permissive(m, "cdla-permissive-2.0", "CDLA Permissive 2.0");
        for (String v : List.of("2.0", "3.0", "4.0")) {
            m.put("cc-by-nc-" + v, new Known("Creative Commons Attribution-NonCommercial " + v, NON_COMMERCIAL));
            m.put("cc-by-nc-sa-" + v, new Known("Creative Commons Attribution-NonCommercial-ShareAlike " + v, NON_COMMERCIAL));
            m.put("cc-by-nc-nd-" + v, new Known("Creative Commons Attribution-NonCommercial-NoDerivatives " + v,
                    NON_COMMERCIAL + " " + NO_DERIVATIVES));
        }
        m.put("cc-by-nd-4.0", new Known("Creative Commons Attribution-NoDerivatives 4.0", NO_DERIVATIVES));
        m.put("cc-by-sa-3.0", new Known("Creative Commons Attribution-ShareAlike 3.0", COPYLEFT));
        m.put("cc-by-sa-4.0", new Known("Creative Commons Attribution-ShareAlike 4.0", COPYLEFT));
        m.put("gpl", new Known("GNU General Public License", COPYLEFT));
        m.put("gpl-2.0", new Known("GNU General Public License 2.0", COPYLEFT));
        m.put("gpl-3.0", new Known("GNU General Public License 3.0", COPYLEFT));
        m.put("agpl-3.0", new Known("GNU Affero General Public License 3.0", COPYLEFT
                + " This includes offering the fine-tuned model over a network."));
        m.put("lgpl", new Known("GNU Lesser General Public License", COPYLEFT));
        m.put("lgpl-2.1", new Known("GNU Lesser General Public License 2.1", COPYLEFT));
        m.put("lgpl-3.0", new Known("GNU Lesser General Public License 3.0", COPYLEFT));
        m.put("llama2", new Known("Llama 2 Community License", "Llama 2 Community License: use must follow Meta's "
                + "Acceptable Use Policy; products or services with more than 700 million monthly active users need a "
                + "separate licence from Meta; the model may not be used to improve other large language models."));
        m.put("llama3", new Known("Meta Llama 3 Community License", "Meta Llama 3" + LLAMA3X));
        m.put("llama3.1", new Known("Llama 3.1 Community License", "Llama 3.1" + LLAMA3X));
        m.put("llama3.2", new Known("Llama 3.2 Community License", "Llama 3.2" + LLAMA3X));
        m.put("llama3.3", new Known("Llama 3.3 Community License", "Llama 3.3" + LLAMA3X));
        m.put("llama4", new Known("Llama 4 Community License", "Llama 4" + LLAMA3X));
        m.put("gemma", new Known("Gemma Terms of Use", "Gemma Terms of Use: use must follow Google's Gemma Prohibited "
                + "Use Policy, and the same terms pass on to anyone you share the model or a fine-tuned copy with."));
        m.put("qwen", new Known("Qwen License Agreement", "Qwen License Agreement: products or services with more than "
                + "100 million monthly active users need a separate licence from Alibaba Cloud."));
        m.put("qwen-research", new Known("Qwen Research License Agreement", RESEARCH));
        m.put("deepfloyd-if-license", new Known("DeepFloyd IF License", RESEARCH));
        m.put("apple-amlr", new Known("Apple Machine Learning Research Model License", RESEARCH));
        m.put("apple-ascl", new Known("Apple Sample Code License", "Apple Sample Code License." + CHECK));
        m.put("intel-research", new Known("Intel Research Use License", RESEARCH));
        m.put("c-uda", new Known("Computational Use of Data Agreement", RESEARCH));
        return m;
    }

    private static void permissive(Map<String, Known> m, String id, String display) {
        m.put(id, new Known(display, null));
    }

    /** Phrases that identify a licence text, most specific first (the Llama licences all mention each other). */
    private static List<TextRule> textRules() {
        return List.of(
                rule("llama3.3", "llama 3\\.3 community license"),
                rule("llama3.2", "llama 3\\.2 community license"),
                rule("llama3.1", "llama 3\\.1 community license"),
                rule("llama3", "meta llama 3 community license"),
                rule("llama2", "llama 2 community license"),
                rule("gemma", "gemma terms of use"),
                rule("qwen-research", "qwen research license"),
                rule("qwen", "tongyi qianwen license|qwen license agreement"),
                rule("cc-by-nc-nd-4.0", "attribution-noncommercial-noderivatives 4\\.0"),
                rule("cc-by-nc-sa-4.0", "attribution-noncommercial-sharealike 4\\.0"),
                rule("cc-by-nc-4.0", "attribution-noncommercial 4\\.0"),
                rule("cc-by-sa-4.0", "attribution-sharealike 4\\.0"),
                rule("cc-by-4.0", "creative commons attribution 4\\.0|attribution 4\\.0 international"),
                rule("agpl-3.0", "gnu affero general public license"),
                rule("lgpl-3.0", "gnu lesser general public license version 3"),
                rule("lgpl-2.1", "gnu lesser general public license"),
                rule("gpl-3.0", "gnu general public license version 3"),
                rule("gpl-2.0", "gnu general public license"),
                rule("apache-2.0", "apache license,? version 2\\.0"),
                rule("mpl-2.0", "mozilla public license,? (version )?2\\.0"),
                rule("mit", "permission is hereby granted, free of charge"),
                rule("bsd-3-clause", "redistribution and use in source and binary forms.*neither the name"),
                rule("bsd-2-clause", "redistribution and use in source and binary forms"),
                rule("unlicense", "this is free and unencumbered software released into the public domain"));
    }

    private static TextRule rule(String id, String regex) {
        return new TextRule(id, Pattern.compile(regex));
    }
}
