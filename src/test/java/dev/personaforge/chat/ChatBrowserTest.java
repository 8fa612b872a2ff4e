package dev.personaforge.chat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.personaforge.common.ForgeConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** chat.js in headless Chromium: a Korean message streams into the base and tuned columns, then clear. */
@QuarkusTest
class ChatBrowserTest extends dev.personaforge.web.BrowserTestSupport {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ForgeConfig config;

    @AfterAll
    void deleteRuns() throws IOException {
        ChatFixtures.deleteRuns();
    }

    @Test
    void koreanMessageStreamsIntoBothColumns() throws IOException {
        String model = ChatFixtures.stories260k().toString();
        long personaId = given().contentType(ContentType.JSON)
                .body(Map.of("name", "Browser chat " + UUID.randomUUID().toString().substring(0, 8), "baseModel", model))
                .post("/api/personas").then().statusCode(201).extract().jsonPath().getLong("id");
        long runId = ChatFixtures.newRun(config.dataDir(), personaId, model);

        Page page = browser.newPage();
        page.navigate(base.toString() + "personas/" + personaId + "/chat?runs=" + runId);
        page.locator("summary").first().click();
        page.locator("input[name=temperature]").fill("0");
        page.locator("input[name=maxTokens]").fill("12");
        page.locator("#message").fill("안녕! 고양이 이야기를 해 줘.");
        page.locator("#message").press("Enter");

        Locator base = page.locator("[data-column='0']");
        Locator tuned = page.locator("[data-column='1']");
        assertThat(base.locator(".bubble.user")).hasText("안녕! 고양이 이야기를 해 줘.");
        assertThat(tuned.locator(".bubble.user")).hasText("안녕! 고양이 이야기를 해 줘.");
        // Generous: the machine may be busy training, and loading the model comes first.
        LocatorAssertions.ContainsTextOptions patient = new LocatorAssertions.ContainsTextOptions().setTimeout(60_000);
        assertThat(base.locator("[data-status]")).containsText("tokens", patient);
        assertThat(tuned.locator("[data-status]")).containsText("tokens", patient);
        assertThat(base.locator(".bubble.assistant:not(.pending)")).hasCount(1);
        assertThat(page.locator("[data-chat-error]")).isHidden();
        assertEquals("", page.locator("#message").inputValue(), "the box is emptied after sending");

        page.getByText("Clear").click();
        assertThat(base.locator(".bubble")).hasCount(0);
        assertThat(tuned.locator(".bubble")).hasCount(0);
    }
}
