package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

/**
 * The HTML report in a real headless Chromium, on three dumps of the demo service that leaks three
 * ways: the page runs without a console error, its treemap and table show the planted leaks with the
 * counts the service planted, a header click sorts the table, a click shows a site's path, and the
 * screenshot is a drawn page. Names that would be markup stay text and run nothing.
 */
class HtmlReportBrowserTest {
  private static final String SESSION = LeakyService.Session.class.getName();
  private static final String LISTENER = LeakyService.Listener.class.getName();
  private static final String CACHE_ENTRY = LeakyService.CacheEntry.class.getName();
  private static final String SERVICE = LeakyService.class.getName();

  @TempDir static Path dir;
  static HeadlessChromium browser;
  static List<Path> dumps;
  static Path report;
  static JsonNode json;

  @BeforeAll
  static void render() throws IOException {
    if (HeadlessChromium.unavailable().isPresent()) {
      return;
    }
    browser = HeadlessChromium.start();
    dumps = ScenarioRunner.run(LeakyService.class, dir.resolve("dumps"));
    String[] paths = dumps.stream().map(Path::toString).toArray(String[]::new);
    Cli html = Cli.run(CiFormatsTest.args(paths, "--format", "html"));
    assertThat(html.exitCode()).as(html.err()).isZero();
    report = Files.writeString(dir.resolve("report.html"), html.out());
    json = CiFormatsTest.parse(Cli.run(CiFormatsTest.args(paths, "--format", "json")).out());
  }

  /** Skipped test by test, so that reports count the skips rather than show no tests at all. */
  @BeforeEach
  void needsTheBrowser() {
    Optional<String> why = HeadlessChromium.unavailable();
    assumeTrue(why.isEmpty(), why.orElse(""));
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theConsoleCheckSeesAnUncaughtError() throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.html"),
        "<!DOCTYPE html><title>t</title><script>throw new Error('planted failure')</script>");
    browser.open(broken);
    assertThat(browser.consoleErrors()).anyMatch(m -> m.contains("planted failure"));
  }

  @Test
  void theReportLoadsWithoutConsoleErrors() {
    browser.open(report);
    assertThat(rows()).isNotEmpty();
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void theTableShowsEachPlantedLeakWithTheCountsThePhasesPlanted() {
    browser.open(report);
    WebElement sessions = row(SESSION);
    assertThat(cell(sessions, "shape").getText()).isEqualTo("leak");
    assertThat(cell(sessions, "objects").getText()).isEqualTo("+" + LeakyService.SESSIONS_PER_PHASE);
    assertThat(counts(sessions)).isEqualTo(planted(LeakyService::sessionsAfter));
    assertThat(cell(sessions, "counts").findElement(By.cssSelector("svg title")).getAttribute("textContent"))
        .as("the sparkline's own text").isEqualTo("counts " + planted(LeakyService::sessionsAfter));
    assertThat(cell(sessions, "owner").getText()).isEqualTo("static " + SERVICE + ".SESSIONS");

    WebElement listeners = row(LISTENER);
    assertThat(cell(listeners, "shape").getText()).isEqualTo("leak");
    assertThat(counts(listeners)).isEqualTo(planted(LeakyService::listenersAfter));

    WebElement chunks = rows().stream().filter(r -> cell(r, "class").getText().equals("byte[]")
        && cell(r, "owner").getText().startsWith("thread \"worker-")).findFirst().orElseThrow();
    assertThat(counts(chunks)).isEqualTo(planted(LeakyService::bufferChunksAfter));

    WebElement cache = row(CACHE_ENTRY);
    assertThat(cell(cache, "shape").getText()).isEqualTo("bloat");
    assertThat(counts(cache)).isEqualTo(planted(LeakyService::cacheAfter));
  }

  @Test
  void theTreemapHasABoxForEachLeakingOwnerWithItsSitesInside() {
    browser.open(report);
    List<WebElement> leaks = browser.driver.findElements(By.cssSelector("#treemap .tm-finding.shape-leak"));
    assertThat(leaks).hasSizeGreaterThanOrEqualTo(3);
    assertThat(leaks).allSatisfy(box -> assertThat(area(box.getRect())).isPositive());
    List<String> siteNames = browser.driver.findElements(By.cssSelector("#treemap .tm-site")).stream()
        .map(WebElement::getText).toList();
    assertThat(siteNames).contains(SESSION, LISTENER, "byte[]");
    WebElement treemap = browser.driver.findElement(By.id("treemap"));
    for (WebElement box : leaks) {
      assertThat(inside(box.getRect(), treemap.getRect())).as(box.getText()).isTrue();
    }
  }

  @Test
  void clickingAHeaderSortsTheTableAndASecondClickReverses() {
    browser.open(report);
    Set<String> keys = new HashSet<>(keys());
    List<Long> before = numbers("objects");
    assertThat(before).as("not sorted to start with, or a click that sorts nothing would pass")
        .isNotEqualTo(before.stream().sorted(Comparator.reverseOrder()).toList());

    header("objects").click();
    assertThat(numbers("objects")).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(header("objects").getAttribute("aria-sort")).isEqualTo("descending");
    header("objects").click();
    assertThat(numbers("objects")).isSorted();

    header("retained").click();
    assertThat(numbers("retained")).isSortedAccordingTo(Comparator.reverseOrder());

    header("class").click();
    List<String> classes = rows().stream().map(r -> cell(r, "class").getAttribute("textContent")).toList();
    assertThat(classes).isSorted().contains(SESSION, LISTENER);
    assertThat(new HashSet<>(keys())).as("the same rows, reordered").isEqualTo(keys).hasSize(rows().size());
  }

  @Test
  void clickingASiteInTheTreemapShowsItsPathAndCounts() {
    browser.open(report);
    WebElement details = browser.driver.findElement(By.id("details"));
    assertThat(details.isDisplayed()).isFalse();
    browser.driver.findElements(By.cssSelector("#treemap .tm-site")).stream()
        .filter(e -> e.getText().equals(SESSION)).findFirst().orElseThrow().click();
    assertThat(details.isDisplayed()).isTrue();
    assertThat(browser.driver.findElement(By.id("details-title")).getText()).isEqualTo(SESSION);
    List<String> path = browser.driver.findElements(By.cssSelector("#details-path li")).stream()
        .map(WebElement::getText).toList();
    assertThat(path.get(0)).isEqualTo("static " + SERVICE + ".SESSIONS java.util.concurrent.ConcurrentHashMap");
    assertThat(browser.driver.findElement(By.cssSelector("#details-chart svg title")).getAttribute("textContent"))
        .isEqualTo("counts per dump " + planted(LeakyService::sessionsAfter));
    assertThat(browser.driver.findElement(By.id("details-stacks")).getText())
        .as("these dumps have no recordings beside them").startsWith("none: ");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void theClosingSummaryGivesEachDumpsObjectsAndBytes() {
    browser.open(report);
    List<WebElement> rows = browser.driver.findElements(By.cssSelector("#dumps tbody tr"));
    assertThat(rows).hasSize(dumps.size());
    long[] objects = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
      assertThat(cells.get(1).getText()).isEqualTo(dumps.get(i).toString());
      objects[i] = Long.parseLong(cells.get(3).getText());
      assertThat(objects[i]).isEqualTo(json.get("dumps").get(i).get("objects").asLong());
      assertThat(Long.parseLong(cells.get(4).getText())).isEqualTo(json.get("dumps").get(i).get("bytes").asLong());
    }
    // What the service added between the first and last dump and never let go, at the least.
    long planted = LeakyService.sessionsAfter(3, 1) - LeakyService.sessionsAfter(1, 1)
        + LeakyService.listenersAfter(3, 1) - LeakyService.listenersAfter(1, 1)
        + LeakyService.bufferChunksAfter(3, 1) - LeakyService.bufferChunksAfter(1, 1);
    assertThat(objects[2] - objects[0]).isGreaterThanOrEqualTo(planted);
    // Dumps written by the scenario, not by capture: no process records, and the page says so.
    assertThat(browser.driver.findElement(By.id("verdict")).getText())
        .isEqualTo("Process memory: unknown (" + json.get("memory_verdict").get("text").asText() + ")");
  }

  @Test
  void theScreenshotIsTheWholeViewportAndADrawnPage() throws IOException {
    browser.open(report);
    byte[] png = browser.driver.getScreenshotAs(OutputType.BYTES);
    Files.write(Path.of("target", "html-report.png"), png);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    Number width = (Number) browser.driver.executeScript("return window.innerWidth");
    Number height = (Number) browser.driver.executeScript("return window.innerHeight");
    assertThat(image.getWidth()).isEqualTo(width.intValue());
    assertThat(image.getHeight()).isEqualTo(height.intValue());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours).as("distinct colours").hasSizeGreaterThan(16);
    // The leaks' boxes are drawn red: some pixel inside the treemap is.
    Rectangle treemap = browser.driver.findElement(By.id("treemap")).getRect();
    boolean red = false;
    for (int y = treemap.y; y < Math.min(image.getHeight(), treemap.y + treemap.height) && !red; y += 2) {
      for (int x = treemap.x; x < treemap.x + treemap.width && !red; x += 2) {
        int rgb = image.getRGB(x, y);
        red = (rgb >> 16 & 0xff) > 150 && (rgb >> 8 & 0xff) < 100 && (rgb & 0xff) < 100;
      }
    }
    assertThat(red).as("a red pixel in the treemap").isTrue();
  }

  @Test
  void namesThatWouldBeMarkupAreShownAsTextAndRunNothing() throws IOException {
    Path hostile = Files.writeString(dir.resolve("hostile.html"), HtmlReport.page(HtmlReportTest.hostileDocument()));
    browser.open(hostile);
    assertThat(browser.consoleErrors()).isEmpty();
    assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
    assertThat(browser.driver.findElements(By.tagName("script"))).hasSize(2);
    WebElement row = row(HtmlReportTest.SCRIPT_BREAKER);
    assertThat(cell(row, "site").getAttribute("textContent")).isEqualTo(Text.safe(HtmlReportTest.SITE_ODDITIES));
    row.click();
    assertThat(browser.driver.findElement(By.cssSelector("#details-path li")).getAttribute("textContent"))
        .isEqualTo(HtmlReportTest.THREAD_BREAKER + "  java.lang.Thread");
    assertThat(browser.driver.findElement(By.id("details-stacks")).getText())
        .contains("7 samples", "com.acme.Evil.<init>(Evil.java:1)", "com.acme.Main.main(Main.java:2)");
  }

  private static List<WebElement> rows() {
    return browser.driver.findElements(By.cssSelector("#sites tbody tr"));
  }

  private static List<String> keys() {
    return rows().stream().map(r -> r.getAttribute("data-key")).toList();
  }

  private static WebElement row(String className) {
    return rows().stream().filter(r -> cell(r, "class").getAttribute("textContent").equals(className))
        .findFirst().orElseThrow(() -> new AssertionError("no row of class " + className));
  }

  private static WebElement cell(WebElement row, String column) {
    return row.findElement(By.cssSelector("td[data-column='" + column + "']"));
  }

  private static String counts(WebElement row) {
    return cell(row, "counts").findElement(By.className("values")).getText();
  }

  private static WebElement header(String column) {
    return browser.driver.findElement(By.cssSelector("#sites th[data-column='" + column + "']"));
  }

  /** A numeric column as the cells' own values, in the order the rows stand. */
  private static List<Long> numbers(String column) {
    List<Long> values = new ArrayList<>();
    for (WebElement r : rows()) {
      values.add(Long.parseLong(cell(r, column).getAttribute("data-value")));
    }
    return values;
  }

  interface Planted {
    int after(int phase, int scale);
  }

  /** The counts the service planted in dumps 1, 2 and 3, as {@code 1000,2000,3000}. */
  private static String planted(Planted counts) {
    return String.join(",", LongStream.rangeClosed(1, dumps.size())
        .mapToObj(p -> Integer.toString(counts.after((int) p, 1))).toList());
  }

  private static long area(Rectangle r) {
    return (long) r.width * r.height;
  }

  private static boolean inside(Rectangle inner, Rectangle outer) {
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width
        && inner.y + inner.height <= outer.y + outer.height;
  }
}
