package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web player plays a packaged video through hls.js in real headless Chromium: past 3 s, a seek to 7 s plays
 * on, no hls.js error, and with a two-rung ladder the quality menu switches to the lower rung.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + HlsPlayerIT.DATA,
            "caravan.http.port=" + HlsPlayerIT.PORT,
            "caravan.kafka.embedded.port=" + HlsPlayerIT.KAFKA_PORT,
            "caravan.extensions.dir=" + HlsPlayerIT.DATA + "/extensions",
            "caravan.hls.renditions=source,180p"
        })
class HlsPlayerIT {

    static final String DATA = "target/it/hls-player";
    static final int PORT = 18200;
    static final int KAFKA_PORT = 19202;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private static double number(JavascriptExecutor js, String script) {
        return ((Number) js.executeScript(script)).doubleValue();
    }

    @Test
    void should_play_seek_and_switch_rungs_through_hls_js() throws Exception {
        assumeTrue(Browser.installed(), "chromium and chromedriver not installed");
        Path source = DATA_DIR.resolve("ladder.mp4");
        Files.write(source, TestClient.resource("clip.mp4"));
        String id = (String) json(client.send("POST", "/files?name=ladder.mp4", HttpRequest.BodyPublishers.ofFile(source),
                "Authorization", "Bearer " + TestClient.KEY, "Content-Type", "video/mp4")).get("id");
        client.awaitHls(id, "READY");

        ChromeDriver driver = Browser.start(DATA_DIR);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            JavascriptExecutor js = driver;
            driver.get("http://127.0.0.1:" + PORT + "/ui/");
            driver.findElement(By.id("key")).sendKeys(TestClient.KEY);
            driver.findElement(By.id("q")).sendKeys("ladder.mp4");
            wait.until(d -> d.findElements(By.cssSelector("tr.file")).size() == 1);
            Browser.click(driver, By.cssSelector("tr.file"));
            wait.until(d -> d.findElement(By.id("status")).getText().endsWith("(HLS)"));

            wait.until(d -> number(js, "const m = document.getElementById('media'); return m ? m.currentTime : 0;") > 3);
            js.executeScript("document.getElementById('media').currentTime = 7;");
            wait.until(d -> number(js, "return document.getElementById('media').currentTime;") > 7.5);
            assertTrue(number(js, "return document.getElementById('media').duration;") > 9.5);

            // the quality menu: auto and the rungs; choosing the 180p rung switches to it
            Select quality = new Select(driver.findElement(By.id("quality")));
            List<String> labels = quality.getOptions().stream().map(o -> o.getText()).toList();
            assertTrue(labels.size() >= 3 && labels.get(0).equals("auto") && labels.stream().anyMatch(l -> l.startsWith("240p"))
                    && labels.stream().anyMatch(l -> l.startsWith("180p")), labels.toString());
            String low = quality.getOptions().stream().filter(o -> o.getText().startsWith("180p")).findFirst().orElseThrow().getAttribute("value");
            js.executeScript("document.getElementById('media').currentTime = 1;");
            quality.selectByValue(low);
            wait.until(d -> number(js, "return hls ? hls.currentLevel : -2;") == Double.parseDouble(low));
            wait.until(d -> number(js, "return document.getElementById('media').videoHeight;") == 180);
            wait.until(d -> number(js, "return document.getElementById('media').currentTime;") > 2);
            assertEquals(List.of(), js.executeScript("return window.hlsErrors;"), "no hls.js error");
        } finally {
            driver.quit();
        }
    }
}
