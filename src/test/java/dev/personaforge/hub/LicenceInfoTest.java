package dev.personaforge.hub;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LicenceInfoTest {

    @Test
    void permissiveLicencesCarryNoWarning() {
        for (String id : new String[]{"apache-2.0", "MIT", "bsd-3-clause", "cc-by-4.0", "openrail"}) {
            assertNull(LicenceInfo.fromCard(id, null, null).warning(), id);
        }
    }

    @Test
    void restrictiveLicencesSayWhatTheyRestrict() {
        assertTrue(LicenceInfo.fromCard("cc-by-nc-4.0", null, null).warning().contains("Non-commercial"));
        assertTrue(LicenceInfo.fromCard("llama3.1", null, null).warning().contains("700 million"));
        assertTrue(LicenceInfo.fromCard("gemma", null, null).warning().contains("Prohibited Use Policy"));
        assertTrue(LicenceInfo.fromCard("other", "qwen-research", null).warning().contains("Research-only"));
        String custom = LicenceInfo.fromCard("other", "acme-model-licence", "https://acme.example/licence").warning();
        assertTrue(custom.contains("acme-model-licence") && custom.contains("https://acme.example/licence"), custom);
        assertTrue(LicenceInfo.fromCard("made-up-1.0", null, null).warning().contains("Unrecognised"));
    }

    @Test
    void licenceTextsAreRecognised() {
        Map<String, String> texts = Map.of(
                "apache-2.0", "Apache License\n   Version 2.0, January 2004\n http://www.apache.org/licenses/",
                "llama3.2", "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024",
                "llama3", "META LLAMA 3 COMMUNITY LICENSE AGREEMENT",
                "gemma", "Gemma Terms of Use\n\nLast modified: February 21, 2024",
                "bsd-3-clause", "Redistribution and use in source and binary forms, with or without modification... "
                        + "3. Neither the name of the copyright holder",
                "cc-by-nc-4.0", "Attribution-NonCommercial 4.0 International");
        texts.forEach((id, text) -> {
            LicenceInfo licence = LicenceInfo.fromLicenceText(text, "LICENSE");
            assertEquals(id, licence.id(), text);
            assertEquals(LicenceInfo.Source.LICENSE_FILE, licence.source());
        });
        assertEquals(LicenceInfo.Source.UNKNOWN, LicenceInfo.fromLicenceText("All rights reserved.", "LICENSE").source());
    }
}
