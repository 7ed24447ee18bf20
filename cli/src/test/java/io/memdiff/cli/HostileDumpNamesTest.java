package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The diff of three hand-built dumps whose class, field and thread names hold markup that closes the
 * HTML report's script, quotes, newlines, pipes, an encoded line break ({@code %0A}) and bytes that
 * are not modified UTF-8, rendered in every output format: each keeps its structure and shows the
 * names as text, and the HTML report, opened in Chromium, runs no script of theirs.
 */
class HostileDumpNamesTest {
  static final String MARKUP = "</script><img src=x onerror=alert(1)>";
  /** 0xFF is never UTF-8; 0xED 0xA0 0x80 is a surrogate with no partner. */
  static final byte[] SESSION_CLASS = bytes("com/acme/Evil" + MARKUP + "\"q'|`%0A\n::error::x", new byte[] {(byte) 0xFF},
      "y", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
  /** Ends inside a two-byte sequence. */
  static final byte[] SESSIONS_FIELD = bytes("SESS" + MARKUP + "\"|%0A\nx", new byte[] {(byte) 0xC3});
  /** Not Latin-1, so stored as UTF-16, where the lone surrogate is as broken as bad UTF-8. */
  static final String WORKER_THREAD = "work\"er" + MARKUP + "|%0A\n\r\uD800";
  /** The names as memdiff reads them: the bytes it cannot decode are U+FFFD. */
  static final String CLASS_READ = "com.acme.Evil<.script><img src=x onerror=alert(1)>\"q'|`%0A\n::error::x\uFFFDy\uFFFD";
  static final String FIELD_READ = "SESS" + MARKUP + "\"|%0A\nx\uFFFD";

  @TempDir static Path dir;
  static String[] dumps;

  @BeforeAll
  static void write() throws IOException {
    dumps = new String[3];
    GoldenDumps.Names names = new GoldenDumps.Names(SESSION_CLASS, SESSIONS_FIELD, WORKER_THREAD);
    for (int n = 1; n <= 3; n++) {
      dumps[n - 1] = GoldenDumps.dump(n, names).writeTo(dir.resolve(n + ".hprof")).toString();
    }
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(p instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) p);
    }
    return out.toByteArray();
  }

  private static Cli diff(String... options) {
    Cli r = Cli.run(CiFormatsTest.args(dumps, options));
    assertThat(r.err()).as("no output may carry half a surrogate pair").doesNotContainPattern("[\\uD800-\\uDFFF]");
    assertThat(r.out()).as("no output may carry half a surrogate pair").doesNotContainPattern("[\\uD800-\\uDFFF]");
    return r;
  }

  @Test
  void textKeepsEachFindingOnOneLineWithTheNamesControlCharactersEscaped() {
    Cli r = diff();
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("\r");
    assertThat(r.out().lines()).allMatch(l -> l.matches("(leak|bloat|heap|verdict)  .*|    (path|site)  .*"));
    assertThat(r.out().lines().filter(l -> l.startsWith("leak  "))).hasSize(2);
    assertThat(r.out()).contains("leak  " + Text.safe(CLASS_READ) + "  +2 objects", "held by static com.acme.Registry."
        + Text.safe(FIELD_READ), "thread \"work\\\"er" + MARKUP.replace("1", "*"));
  }

  @Test
  void jsonGivesBackTheNamesAsRead() {
    Cli r = diff("--format", "json");
    JsonNode json = CiFormatsTest.parse(r.out());
    JsonNode evil = json.get("findings").get(0);
    assertThat(evil.get("class").asText()).isEqualTo(CLASS_READ);
    assertThat(evil.get("owner").asText()).isEqualTo("static com.acme.Registry." + FIELD_READ);
    assertThat(json.get("findings").get(1).get("owner").asText()).startsWith("thread \"work\\\"er" + MARKUP.replace("1", "*"));
  }

  @Test
  void markdownKeepsEveryRowsCellsAndRendersTheNamesAsText() {
    Cli r = diff("--format", "markdown");
    List<List<String>> rows = CiFormatsTest.table(r.out().lines().toList());
    assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row).hasSize(7));
    assertThat(CiFormatsTest.rendered(rows.get(1).get(1))).isEqualTo(Text.safe(CLASS_READ));
    assertThat(CiFormatsTest.rendered(rows.get(1).get(5))).isEqualTo("static com.acme.Registry." + Text.safe(FIELD_READ));
    assertThat(r.out()).doesNotContain("<img", "</script", "\r").doesNotContain("\n::");
  }

  @Test
  void junitIsValidAndHoldsTheNamesAsAttributeText() throws Exception {
    Cli r = diff("--format", "junit", "--fail-on-leak");
    assertThat(r.out()).doesNotContain("<img", "</script");
    Document doc = CiFormatsTest.validJUnit(r.out());
    Element evil = CiFormatsTest.testcase(doc.getElementsByTagName("testcase"), Text.safe(CLASS_READ));
    assertThat(evil.getAttribute("name")).contains("static com.acme.Registry." + Text.safe(FIELD_READ));
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("2");
  }

  @Test
  void githubAnnotationsStayOneCommandEachAndNoNameBreaksTheirLine() {
    Cli r = diff("--annotations", "github", "--format", "json", "--fail-on-leak");
    List<String> commands = Arrays.stream(r.errLines()).filter(l -> l.startsWith("::")).toList();
    assertThat(commands).hasSize(3).allSatisfy(l -> assertThat(l).matches("::(error|warning) title=memdiff \\w+::.*"));
    assertThat(Arrays.stream(r.errLines())).allMatch(l -> l.startsWith("::") || l.startsWith("memdiff: threshold crossed: "));
    // A runner decodes %0A, %0D and %25 in a command: every '%' of a name must come out as %25.
    assertThat(commands).allSatisfy(l -> assertThat(l.replace("%25", "")).doesNotContain("%"));
    assertThat(commands.get(0)).contains(Text.safe(CLASS_READ).replace("%", "%25"));
  }

  @Test
  void theHtmlReportShowsTheNamesAsTextInTheBrowserAndRunsNoScriptOfTheirs() throws IOException {
    Optional<String> why = HeadlessChromium.unavailable();
    assumeTrue(why.isEmpty(), why.orElse(""));
    Cli r = diff("--format", "html");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path report = Files.writeString(dir.resolve("report.html"), r.out());
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      browser.open(report);
      assertThat(browser.consoleErrors()).isEmpty();
      assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
      assertThat(browser.driver.findElements(By.tagName("script"))).hasSize(2);
      List<WebElement> rows = browser.driver.findElements(By.cssSelector("#sites tbody tr"));
      WebElement evil = rows.stream().filter(row -> text(row, "class").equals(Text.safe(CLASS_READ)))
          .findFirst().orElseThrow(() -> new AssertionError("no row shows the class's name as text"));
      assertThat(text(evil, "owner")).isEqualTo("static com.acme.Registry." + Text.safe(FIELD_READ));
      WebElement chunks = rows.stream().filter(row -> text(row, "owner").startsWith("thread \"work")).findFirst()
          .orElseThrow(() -> new AssertionError("no row shows the thread's name as text"));
      chunks.click();
      assertThat(browser.driver.findElement(By.cssSelector("#details-path li")).getAttribute("textContent"))
          .startsWith("thread \"work\\\"er" + MARKUP.replace("1", "*"));
      assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  private static String text(WebElement row, String column) {
    return row.findElement(By.cssSelector("td[data-column='" + column + "']")).getAttribute("textContent");
  }
}
