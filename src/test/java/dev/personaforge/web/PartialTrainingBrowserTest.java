package dev.personaforge.web;

import com.microsoft.playwright.Page;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** In headless Chromium: the method choice shows its own fields and the live estimate follows it. */
@QuarkusTest
class PartialTrainingBrowserTest extends BrowserTestSupport {

    @TestHTTPResource("/")
    URL base;

    @Test
    void choosingAMethodShowsItsFieldsAndUpdatesTheTrainedParameters() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping the partial training browser test");
        long persona = createPersona(Map.of("name", uniqueName("Partial browser"), "baseModel", model.toString(),
                "systemPrompt", ""));
        Page page = browser.newPage();
        page.navigate(base.toString() + "personas/" + persona);
        assertThat(page.locator("#topLayers")).isHidden();
        assertThat(page.locator("#loraRank")).isVisible();

        page.locator("#method").selectOption("top-layers");
        assertThat(page.locator("#topLayers")).isVisible();
        assertThat(page.locator("#loraRank")).isHidden();
        page.locator("#topLayers").fill("2");
        assertThat(page.locator("[data-estimate=params]")).hasText("90.9 K of 260 K parameters (35.0 %)");
        page.locator("#topLayers").fill("7");
        assertThat(page.locator("[data-estimate=params]")).containsText("between 1 and 5");

        page.locator("#preset").selectOption("feature-extraction");
        assertThat(page.locator("#method")).hasValue("feature-extraction");
        assertThat(page.locator("#topLayers")).isHidden();
        assertThat(page.locator("[data-estimate=params]")).hasText("32.8 K of 260 K parameters (12.6 %)");
        page.close();
    }
}
