package dev.personaforge.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.personaforge.api.ApiFixtures.createPersona;
import static dev.personaforge.api.ApiFixtures.importText;
import static dev.personaforge.api.ApiFixtures.uniqueName;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-validation in headless Chromium: start a 3-fold cross-validation from the persona page's training panel and
 * watch the fold table fill in with each fold's validation loss and the mean ± standard deviation.
 */
@QuarkusTest
class CrossValidationBrowserTest extends BrowserTestSupport {

    @TestHTTPResource("/")
    URL base;

    @Test
    void startAThreeFoldCrossValidationAndSeeEachFoldsLossAndTheMeanAndStd() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping the cross-validation browser test");
        long persona = createPersona(Map.of("name", uniqueName("Fold teller"), "baseModel", model.toString(),
                "systemPrompt", ""));
        StringBuilder pairs = new StringBuilder();
        String[] animals = {"cat", "dog", "bird", "fish", "frog", "bunny", "duck", "bear", "fox", "cow", "pig", "owl"};
        for (String a : animals) {
            pairs.append("{\"prompt\":\"Tell me about the ").append(a).append(".\",\"completion\":\"The ").append(a)
                    .append(" was happy and played in the sun.\"}\n");
        }
        importText(persona, "stories.jsonl", pairs.toString(), false).then().statusCode(200);

        Page page = browser.newPage();
        page.navigate(base.toString() + "personas/" + persona);
        page.locator("#preset").selectOption("quick");
        page.locator("#method").selectOption("full");
        page.locator("#epochs").fill("2");
        page.locator("#learningRate").fill("0.003");
        page.locator("#batchSize").fill("16");
        page.locator("#maxLength").fill("96");
        page.locator("#patience").fill("0");
        assertThat(page.locator("#cross-validation-fields")).containsText("pinned");
        page.locator("#k").fill("2");
        page.locator("#cv-button").click();
        assertThat(page.locator(".alert.error")).containsText("k: must be between 3 and 10, not 2");
        assertThat(page.locator(".field-error")).containsText("Folds must be between 3 and 10");

        page.locator("#k").fill("3");
        page.locator("#cv-button").click();
        assertThat(page.locator("h1")).containsText("Cross-validation #");
        Locator rows = page.locator("#folds tbody tr");
        assertThat(rows).hasCount(3);
        LocatorAssertions.ContainsTextOptions patient = new LocatorAssertions.ContainsTextOptions().setTimeout(300_000);
        assertThat(page.locator("#cv-status")).containsText("SUCCEEDED", patient);
        Pattern loss = Pattern.compile("^\\d+\\.\\d{3}$");
        for (int i = 0; i < 3; i++) {
            assertThat(rows.nth(i).locator("[data-fold-status]")).hasText("SUCCEEDED");
            assertThat(rows.nth(i).locator("[data-fold-loss]")).hasText(loss);
        }
        assertThat(page.locator("[data-cv=mean]")).hasText(Pattern.compile("^\\d+\\.\\d{3} ± \\d+\\.\\d{3}$"));
        assertThat(page.locator("[data-cv=done]")).hasText("3/3");
        assertThat(page.locator("[data-keep]")).hasCount(3);

        page.locator(".crumbs a[href*='#fine-tuning']").click();
        Locator group = page.locator("table.cross-validations tr[data-cross-validation]");
        assertThat(group).hasCount(1);
        assertThat(group).containsText("3/3");
        assertThat(group.locator("td.num").last()).hasText(Pattern.compile("^\\d+\\.\\d{3} ± \\d+\\.\\d{3}$"));
        page.close();
    }
}
