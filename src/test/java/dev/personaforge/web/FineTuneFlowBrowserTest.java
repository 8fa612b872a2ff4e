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
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The product loop in headless Chromium: load a sample persona, point it at a small local model, run
 * fine-tuning, watch the loss curve grow, then chat with base and tuned side by side.
 */
@QuarkusTest
class FineTuneFlowBrowserTest extends BrowserTestSupport {

    @TestHTTPResource("/")
    URL base;


    @Test
    void loadSampleRunFineTuningWatchTheCurveAndChatSideBySide() {
        Path model = Path.of(System.getProperty("forge.shared.dir", "../shared"), "models", "stories260k")
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(model.resolve("model.safetensors")),
                "../shared/models/stories260k is absent: skipping the fine-tuning browser test");
        LocatorAssertions.ContainsTextOptions patient = new LocatorAssertions.ContainsTextOptions().setTimeout(240_000);
        Page page = browser.newPage();

        page.navigate(base.toString());
        page.locator("article[data-sample=brightline-support] button").click();
        assertThat(page.locator(".notice")).containsText("Sample persona loaded");
        page.locator(".persona-head a[href$='/edit']").click();
        page.locator("#baseModel").fill(model.toString());
        page.locator("#systemPrompt").fill("You are a calm Brightline support agent.");
        page.getByText("Save changes").click();
        assertThat(page.locator(".persona-meta")).containsText("stories260k");

        page.locator("#preset").selectOption("quick");
        page.locator("#method").selectOption("lora");
        page.locator("#epochs").fill("2");
        page.locator("#learningRate").fill("0.005");
        page.locator("#maxLength").fill("192");
        page.locator("#batchSize").fill("16");
        assertThat(page.locator("[data-estimate=steps]")).containsText("in all");
        page.locator("#run-button").click();

        assertThat(page.locator("h1")).containsText("Run #");
        Locator curve = page.locator("#loss-chart path.curve.train");
        assertThat(page.locator("#run-status")).containsText("SUCCEEDED", patient);
        String path = curve.getAttribute("d");
        assertTrue(path != null && path.split("L").length > 3, "the loss curve has several points: " + path);
        assertThat(page.locator("#evaluation")).containsText("Did it learn the persona?");

        page.getByText("Chat side by side").click();
        Locator baseColumn = page.locator("[data-column='0']");
        Locator tunedColumn = page.locator("[data-column='1']");
        assertThat(tunedColumn).containsText("Run #");
        page.locator("summary").first().click();
        page.locator("input[name=maxTokens]").fill("16");
        page.locator("#message").fill("My internet is slow.");
        page.locator("[data-send]").click();
        assertThat(baseColumn.locator(".bubble.assistant:not(.pending)")).hasCount(1,
                new LocatorAssertions.HasCountOptions().setTimeout(120_000));
        assertThat(tunedColumn.locator(".bubble.assistant:not(.pending)")).hasCount(1,
                new LocatorAssertions.HasCountOptions().setTimeout(120_000));
        assertThat(baseColumn.locator(".bubble.assistant")).not().hasText(Pattern.compile("^\\s*$"));
        assertThat(tunedColumn.locator(".bubble.assistant")).not().hasText(Pattern.compile("^\\s*$"));
        page.close();
    }
}
