package dev.personaforge.hub;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrontMatterTest {

    @Test
    void readsTopLevelScalarsQuotesListsAndComments() {
        Map<String, String> card = FrontMatter.parse("""
                ---
                library_name: transformers
                license: "apache-2.0"  
                language:
                - en
                - ko
                license_link: 'https://example.com/l' # the licence
                base_model: [HuggingFaceTB/SmolLM2-135M, other/x]
                model-index:
                  - name: tiny
                    license: nested-is-ignored
                ---
                # Title
                license: not-front-matter
                """);

        assertEquals("apache-2.0", card.get("license"));
        assertEquals("en", card.get("language"));
        assertEquals("https://example.com/l", card.get("license_link"));
        assertEquals("HuggingFaceTB/SmolLM2-135M", card.get("base_model"));
        assertEquals("transformers", card.get("library_name"));
    }

    @Test
    void noFrontMatterGivesNothing() {
        assertTrue(FrontMatter.parse("# Model\nlicense: mit\n").isEmpty());
        assertTrue(FrontMatter.parse("").isEmpty());
    }
}
