package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.diff.AllocationStack;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.DumpMeta;
import io.memdiff.diff.Finding;
import io.memdiff.diff.PathStep;
import io.memdiff.diff.Shape;
import io.memdiff.diff.SiteDiff;
import io.memdiff.diff.SiteKind;
import io.memdiff.diff.SiteReachability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import io.memdiff.engine.MemoryAccount;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a file: its data is the JSON document and nothing else, names from the dump
 * cannot end the script element that holds them, and the page asks the network for nothing. How
 * the page draws is checked in a browser by {@link HtmlReportBrowserTest}.
 */
class HtmlReportTest {
  /** Ends the data element and starts markup that would run, if the name were not escaped. */
  static final String SCRIPT_BREAKER = "</script><img src=x onerror=alert(1)>";
  static final String THREAD_BREAKER = "thread \"</SCRIPT><script>alert(2)</script>\"";
  /** Line and paragraph separators, an HTML comment opener, an entity and a control character. */
  static final String SITE_ODDITIES = "at <!-- \u2028 \u2029 &amp; \u0001";
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"memdiff-data\">(.*?)</script", Pattern.DOTALL);

  @TempDir static Path dir;
  static String[] dumps;

  @BeforeAll
  static void write() throws IOException {
    dumps = GoldenDumps.writeSeries(dir);
  }

  @Test
  void theEmbeddedDataIsTheJsonDocumentAndNothingElse() throws IOException {
    Cli json = Cli.run(CiFormatsTest.args(dumps, "--format", "json"));
    Cli html = Cli.run(CiFormatsTest.args(dumps, "--format", "html"));
    assertThat(html.exitCode()).isZero();
    assertThat(html.err()).isEmpty();
    assertThat(html.out()).startsWith("<!DOCTYPE html>");
    assertThat(Json.MAPPER.readTree(data(html.out()))).isEqualTo(Json.MAPPER.readTree(json.out()));
  }

  @Test
  void hostileNamesCannotEndTheDataElementAndSurviveTheRoundTrip() throws IOException {
    String page = HtmlReport.page(hostileDocument());
    assertThat(count(page, "</script")).as("the data's and the script's own closing tags").isEqualTo(2);
    assertThat(page.toLowerCase()).doesNotContain("<img").doesNotContain("<!--");
    String data = data(page);
    assertThat(data).doesNotContain("<", ">", "&", "\u2028", "\u2029");
    JsonNode parsed = Json.MAPPER.readTree(data);
    JsonNode finding = parsed.get("findings").get(0);
    assertThat(finding.get("class").asText()).isEqualTo(SCRIPT_BREAKER);
    assertThat(finding.get("owner_path").get(0).get("edge").asText()).isEqualTo(THREAD_BREAKER);
    assertThat(parsed.get("sites").get(0).get("site").asText()).isEqualTo(SITE_ODDITIES);
    assertThat(parsed).as("the document as --format json writes it")
        .isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(hostileDocument())));
  }

  @Test
  void thePageLoadsNothingAndItsPolicyAllowsExactlyItsOwnScriptAndStyle() throws Exception {
    String page = Cli.run(CiFormatsTest.args(dumps, "--format", "html")).out();
    assertThat(page).doesNotContainPattern("(?i)\\s(src|href)\\s*=").doesNotContain("@import", "url(");
    List<String> urls = new ArrayList<>();
    Matcher url = Pattern.compile("(?i)\\b(https?|ftp|wss?)://[^\\s'\"]*").matcher(page);
    while (url.find()) {
      urls.add(url.group());
    }
    assertThat(urls).as("only the SVG namespace, which names and loads nothing").containsOnly("http://www.w3.org/2000/svg");
    Matcher csp = Pattern.compile("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"").matcher(page);
    assertThat(csp.find()).isTrue();
    String script = between(page, "<script>", "</script>");
    String style = between(page, "<style>", "</style>");
    assertThat(csp.group(1)).startsWith("default-src 'none'; ")
        .contains("script-src " + sha256(script) + ";", "style-src " + sha256(style) + ";");
  }

  @Test
  void commandsOtherThanTheDiffRefuseHtml() {
    Cli r = Cli.run("histo", dumps[0], "--format", "html");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("memdiff: memdiff histo prints text or json; --format html");
  }

  /** One finding of one site whose class, path and site hold what HTML and JavaScript treat specially. */
  static DiffRenderer.Document hostileDocument() {
    long[] counts = {10, 20, 30};
    long[] bytes = {1000, 2000, 3000};
    long[] none = {0, 0, 0};
    List<PathStep> path = List.of(new PathStep(THREAD_BREAKER, "java.lang.Thread"),
        new PathStep("field <b>x</b>", SCRIPT_BREAKER));
    List<AllocationStack> stacks = List.of(new AllocationStack(List.of("com.acme.Evil.<init>(Evil.java:1)",
        "com.acme.Main.main(Main.java:2)"), 7));
    SiteDiff site = new SiteDiff("k1", SCRIPT_BREAKER, SITE_ODDITIES, path, counts, bytes, bytes, none, none, 20, 2000,
        2000, Shape.LEAK, 2, 0, SiteReachability.STRONG, "k1", List.of("0x10"), stacks);
    Finding finding = new Finding("k1", "k1", SCRIPT_BREAKER, Shape.LEAK, 2, counts, 20, SITE_ODDITIES, THREAD_BREAKER,
        "java.lang.Thread", path.subList(0, 1), bytes, 2000, none, 0, none, 0, SiteReachability.STRONG, List.of("k1"),
        List.of("0x10"), stacks);
    List<DumpMeta> dumps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      dumps.add(new DumpMeta("/tmp/</script>" + i + ".hprof", 0, 8, 100 + i, 5000 + i, false, SiteKind.RETENTION, null));
    }
    DiffReport report = new DiffReport(dumps, List.of(finding), List.of(site),
        new DiffReport.Heap(new long[] {100, 101, 102}, new long[] {5000, 5001, 5002}, 1, 1));
    OutputOptions output = new OutputOptions();
    // No process records: the report says process memory is unknown, as for dumps taken by hand.
    MemoryAccount unknown = new MemoryAccount(List.of(), new MemoryAccount.Verdict(MemoryAccount.Kind.UNKNOWN, null,
        null, null, null, null, null, null, java.util.Map.of(), false, false, 0, List.of(1, 2, 3), null));
    return new DiffRenderer(output, true, 3, 1, null).json(report, report.findings(), unknown, new MemoryRenderer(output, 3));
  }

  /** The text of the data element, up to where an HTML parser would end it. */
  static String data(String page) {
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).as("a memdiff-data script element").isTrue();
    return m.group(1);
  }

  private static String between(String page, String open, String close) {
    int start = page.indexOf(open);
    assertThat(start).as(open).isNotNegative();
    return page.substring(start + open.length(), page.indexOf(close, start));
  }

  private static int count(String page, String needle) {
    return page.toLowerCase().split(Pattern.quote(needle), -1).length - 1;
  }

  private static String sha256(String text) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
  }
}
