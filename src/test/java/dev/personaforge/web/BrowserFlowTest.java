package dev.personaforge.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Clicks through the main flow in headless Chromium (Debian's /usr/bin/chromium; no browser download). */
@QuarkusTest
class BrowserFlowTest extends BrowserTestSupport {

    @TestHTTPResource("/")
    URL base;


    @Test
    void createPersonaAddPairImportWithAnErrorFixItAndSeeCountsAndSplit(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Page page = browser.newPage();
        List<String> dialogs = new ArrayList<>();
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.accept();
        });
        String name = "Browser <b>persona</b> " + UUID.randomUUID().toString().substring(0, 6);

        page.navigate(base.toString());
        page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
                new Page.GetByRoleOptions().setName("New persona").setExact(true)).first().click();
        page.getByLabel("Name").fill(name);
        page.getByLabel("System prompt").fill("You are a cheerful <script>alert('x')</script> helper.");
        page.locator("#baseModel").fill("HuggingFaceTB/SmolLM2-135M-Instruct");
        page.getByText("Create persona").click();
        assertThat(page.locator("h1.persona-name")).hasText(name);
        assertThat(page.locator(".notice")).hasText("Persona created.");

        page.locator("#prompt").fill("How do I say hello?");
        page.locator("#completion").fill("Just wave and smile!");
        page.locator("#tags").fill("greeting");
        page.getByText("Add pair").click();
        assertThat(page.locator("table.pairs")).containsText("Just wave and smile!");
        assertThat(page.locator("[data-count=total]")).hasText("1");

        Path file = tmp.resolve("pairs.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            lines.add("{\"prompt\": \"Browser question " + i + "?\", \"completion\": \"Browser answer " + i + ".\"}");
        }
        lines.set(4, "{\"prompt\": \"Browser question 5?\", \"completion\": ");
        Files.write(file, lines);
        page.locator("#import-file").setInputFiles(file);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Import").setExact(true)).click();
        Locator report = page.locator("#import-report");
        assertThat(report).containsText("nothing was imported");
        assertThat(report).containsText("Line 5");
        assertThat(page.locator("[data-count=total]")).hasText("1");

        lines.set(4, "{\"prompt\": \"Browser question 5?\", \"completion\": \"Browser answer 5.\"}");
        Files.write(file, lines);
        page.locator("#import-file").setInputFiles(file);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Import").setExact(true)).click();
        assertThat(page.locator("#import-report")).containsText("Imported 12 pairs");
        assertThat(page.locator("[data-count=total]")).hasText("13");
        assertThat(page.locator("[data-count=train]")).hasText("12");
        assertThat(page.locator("[data-count=validation]")).hasText("1");

        page.locator("#validationRatio").selectOption("0.2");
        page.getByText("Apply").click();
        assertThat(page.locator("[data-count=validation]")).hasText("3");
        assertThat(page.locator("[data-count=train]")).hasText("10");

        Locator firstRow = page.locator("tr[data-pair]").first();
        firstRow.locator("[data-action=edit]").click();
        firstRow.locator("textarea[name=completion]").fill("Wave, smile, and say hi!");
        firstRow.getByText("Save").click();
        assertThat(firstRow.locator("td[data-field=completion]")).hasText("Wave, smile, and say hi!");
        page.reload();
        assertThat(page.locator("table.pairs")).containsText("Wave, smile, and say hi!");

        assertEquals(List.of(), dialogs, "no script from persona or pair text ran");
        page.close();
    }
}
