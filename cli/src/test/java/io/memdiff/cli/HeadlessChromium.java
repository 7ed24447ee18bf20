package io.memdiff.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium under its chromedriver, headless, for tests that look at a page as a browser
 * draws it. Without the two binaries the tests are skipped, unless {@value #REQUIRE} is 1 (as CI sets
 * it), where a missing browser must fail rather than let the browser tests pass by not running.
 */
final class HeadlessChromium implements AutoCloseable {
  static final String REQUIRE = "MEMDIFF_REQUIRE_BROWSER";
  static final int WIDTH = 1280;
  static final int HEIGHT = 1000;

  /**
   * Selenium warns on every start that it has no DevTools classes for this Chromium; the tests use
   * none, so the warning is noise. Held in a field, since a logger nobody references may be collected
   * and its level lost.
   */
  private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Why the browser tests cannot run here, or empty when they can. Under {@value #REQUIRE}=1 a
   * missing browser fails the caller instead.
   */
  static Optional<String> unavailable() {
    if (browser().isPresent() && chromedriver().isPresent()) {
      return Optional.empty();
    }
    String missing = "no " + (browser().isEmpty() ? "chromium" : "chromedriver") + " on PATH"
        + " (Debian: apt-get install chromium chromium-driver)";
    if ("1".equals(System.getenv(REQUIRE))) {
      fail(REQUIRE + "=1 asks for the browser tests, but there is " + missing);
    }
    return Optional.of("browser tests skipped: " + missing);
  }

  /** Starts the browser; call only when {@link #unavailable()} is empty. */
  static HeadlessChromium start() {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser().orElseThrow().toFile());
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox; the pages are the tests' own.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1", "--no-first-run",
        "--disable-extensions", "--disable-background-networking");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // Naming the driver keeps Selenium Manager from looking for one on the network.
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver().orElseThrow().toFile())
        .build();
    return new HeadlessChromium(new ChromeDriver(service, options));
  }

  /** Opens a file, once the console messages of earlier pages are read and dropped. */
  void open(Path page) {
    consoleErrors();
    driver.get(page.toUri().toString());
  }

  /** Console messages at error level since the last call: uncaught exceptions, refused loads, console.error. */
  List<String> consoleErrors() {
    List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
    return entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).toList();
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static Optional<Path> browser() {
    return onPath("chromium", "chromium-browser", "google-chrome");
  }

  private static Optional<Path> chromedriver() {
    return onPath("chromedriver").or(() -> executable(Path.of("/usr/lib/chromium/chromedriver")));
  }

  private static Optional<Path> onPath(String... names) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String name : names) {
      Optional<Path> found = Stream.of(path.split(File.pathSeparator))
          .map(dir -> Path.of(dir, name))
          .filter(Files::isExecutable)
          .findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> executable(Path file) {
    return Files.isExecutable(file) ? Optional.of(file) : Optional.empty();
  }
}
