package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web player in real headless Chromium: upload a media file, find it, play it with the poster the video-poster
 * recipe made, seek past the middle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + WebPlayerIT.DATA,
            "caravan.http.port=" + WebPlayerIT.PORT,
            "caravan.kafka.embedded.port=19290",
            "caravan.http.signed-urls=true",
            "caravan.extensions.dir=" + WebPlayerIT.DATA + "/extensions",
            "caravan.hls.enabled=false" // the original file, by a signed URL (HlsPlayerIT plays HLS)
        })
class WebPlayerIT {

    static final String DATA = "target/it/player";
    static final int PORT = 19280;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    @Test
    void should_upload_play_and_seek_a_video_in_a_real_browser() throws Exception {
        assumeTrue(Browser.installed(), "chromium and chromedriver not installed");
        Path media = DATA_DIR.resolve("clip.webm");
        Files.write(media, TestClient.resource("clip.webm"));
        TestClient client = new TestClient(PORT);
        client.dropRecipe(DATA_DIR.resolve("extensions"), "video-poster");
        ChromeDriver driver = Browser.start(DATA_DIR);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            JavascriptExecutor js = driver;
            driver.get("http://127.0.0.1:" + PORT + "/ui/");
            driver.findElement(By.id("key")).sendKeys(TestClient.KEY);
            // the file input takes the same path as a dropped file
            driver.findElement(By.id("pick")).sendKeys(media.toAbsolutePath().toString());
            wait.until(d -> d.findElement(By.id("status")).getText().startsWith("stored clip.webm"));
            assertEquals("100", driver.findElement(By.id("progress")).getDomProperty("value"));

            // the recipe makes its poster (through a signed URL too, as this Caravan requires them)
            String id = (String) TestClient.JSON.readTree(client.get("/files?q=clip.webm&limit=1", "Authorization", "Bearer " + TestClient.KEY).body())
                    .path("files").get(0).path("id").asText();
            assertTrue(TestClient.eventually(Duration.ofSeconds(60), () -> {
                try {
                    return TestClient.JSON.readTree(client.get("/files/" + id + "/info").body()).path("derived").size() == 1;
                } catch (Exception e) {
                    return false;
                }
            }), "the poster of " + id + " is listed");

            WebElement search = driver.findElement(By.id("q"));
            search.sendKeys("nothing-like-this");
            wait.until(d -> d.findElements(By.cssSelector("tr.file")).isEmpty());
            search.clear();
            search.sendKeys("CLIP.WEBM"); // not its poster, clip-poster.jpg
            wait.until(d -> d.findElements(By.cssSelector("tr.file")).size() == 1);
            Browser.click(driver, By.cssSelector("tr.file"));

            // playing through a signed URL (this Caravan requires them), then seeking past the middle
            wait.until(d -> Boolean.TRUE.equals(js.executeScript(
                    "const m = document.getElementById('media'); return !!m && m.readyState >= 2 && m.duration > 0 && !m.paused;")));
            double duration = ((Number) js.executeScript("return document.getElementById('media').duration;")).doubleValue();
            assertEquals(10.0, duration, 0.5);
            double target = duration * 0.6;
            js.executeScript("document.getElementById('media').currentTime = arguments[0];", target);
            wait.until(d -> ((Number) js.executeScript("return document.getElementById('media').currentTime;")).doubleValue()
                    > target + 0.5);
            assertNull(js.executeScript("const e = document.getElementById('media').error; return e && e.code;"), "no media error");
            // the poster shown is the recipe's JPEG, loaded through its own signed URL
            String posterUrl = (String) js.executeScript("return document.getElementById('media').poster;");
            assertTrue(posterUrl.contains("sig="), "a signed poster URL: " + posterUrl);
            Number posterWidth = (Number) ((JavascriptExecutor) driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; const i = new Image(); i.onload = () => done(i.naturalWidth);"
                            + " i.onerror = () => done(-1); i.src = document.getElementById('media').poster;");
            assertTrue(posterWidth.intValue() > 0 && posterWidth.intValue() <= 640, "the poster loads: " + posterWidth);
            String src = (String) js.executeScript("return document.getElementById('media').currentSrc;");
            assertTrue(src.contains("sig="), "played through a signed URL: " + src);
        } finally {
            driver.quit();
        }
    }
}
