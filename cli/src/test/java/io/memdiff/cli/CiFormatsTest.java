package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The diff's CI outputs (Markdown, JUnit XML, GitHub annotations) and the total gate, on the three
 * hand-built dumps of {@link GoldenDumps}, each output read back by a parser; and the same dumps with
 * the leaking class given a hostile name, which must stay data in every format.
 */
class CiFormatsTest {
  /** Sessions 2, 4, 6: growth min(4, 6) - 2; bytes the registry's Object[8] (48) and 1040 per session. */
  static final long SESSION_GROWTH_OBJECTS = 2;
  static final long SESSION_GROWTH_BYTES = Math.min(48 + 4 * 1040, 48 + 6 * 1040) - (48 + 2 * 1040);
  /** Markdown, HTML, XML and workflow-command syntax, a line break and control characters in one name. */
  static final String HOSTILE = "com/acme/Evil|Ses`sion<b>x</b>&amp;*_[a](b)\\|%0A:,\n::error::pwned\u0001";
  static final String HOSTILE_CLASS = HOSTILE.replace('/', '.');

  @TempDir static Path dir;
  static String[] dumps;
  static String[] hostile;

  @BeforeAll
  static void write() throws IOException {
    dumps = new String[3];
    hostile = new String[3];
    for (int n = 1; n <= 3; n++) {
      dumps[n - 1] = GoldenDumps.write(n, dir.resolve(n + ".hprof")).toString();
      hostile[n - 1] = GoldenDumps.dump(n, HOSTILE).writeTo(dir.resolve("hostile-" + n + ".hprof")).toString();
    }
  }

  static String[] args(String[] dumps, String... extra) {
    String[] a = Arrays.copyOf(dumps, dumps.length + extra.length);
    System.arraycopy(extra, 0, a, dumps.length, extra.length);
    return a;
  }

  @Test
  void markdownHasOneRowPerFindingAndEveryRowTheHeadersCells() {
    Cli json = Cli.run(args(dumps, "--format", "json"));
    Cli r = Cli.run(args(dumps, "--format", "markdown"));
    assertThat(r.exitCode()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("## memdiff: 3 findings");
    List<List<String>> rows = table(lines);
    assertThat(rows.get(0)).containsExactly("shape", "class", "objects", "bytes", "counts", "owner", "path");
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(7));
    assertThat(rows).as("the header and a row per finding").hasSize(1 + parse(json.out()).get("findings").size());
    List<String> session = rows.stream().filter(row -> row.get(1).equals("com.acme.Session")).findFirst().orElseThrow();
    assertThat(session).containsExactly("leak", "com.acme.Session", "+" + SESSION_GROWTH_OBJECTS,
        "+" + SESSION_GROWTH_BYTES + " bytes", "2,4,6", "static com.acme.Registry.SESSIONS",
        "at static com.acme.Registry.SESSIONS → \\[\\]");
    assertThat(lines.get(lines.size() - 3)).startsWith("heap: objects 25,34,39, bytes 5224,10632,14776, growth ");
    assertThat(lines.get(lines.size() - 1)).startsWith("verdict: **unknown** — process memory is unknown: ");
  }

  @Test
  void aHostileClassNameStaysOneMarkdownCellAndRendersAsItsText() {
    Cli r = Cli.run(args(hostile, "--format", "markdown"));
    assertThat(r.exitCode()).isZero();
    List<List<String>> rows = table(r.out().lines().toList());
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(7));
    List<String> evil = rows.stream().filter(row -> row.get(0).equals("leak") && row.get(2).equals("+2"))
        .findFirst().orElseThrow();
    assertThat(evil.get(1)).doesNotContain("<", "\n").doesNotContainPattern("(?<!\\\\)`");
    assertThat(rendered(evil.get(1))).isEqualTo(Text.safe(HOSTILE_CLASS));
    assertThat(r.out()).doesNotContain("<b>").doesNotContain("\n::error");
  }

  @Test
  void junitIsValidAgainstTheSchemaAndFailsTheFindingsThatCrossAGate() throws Exception {
    Cli r = Cli.run(args(dumps, "--format", "junit", "--fail-on-leak"));
    assertThat(r.exitCode()).isEqualTo(1);
    Document doc = validJUnit(r.out());
    Element suite = doc.getDocumentElement();
    assertThat(suite.getAttribute("name")).isEqualTo("memdiff");
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("2"); // the sessions and the worker's chunks leak; the cache is bloat
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3);
    Element session = testcase(cases, "com.acme.Session");
    Element failure = (Element) session.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("type")).isEqualTo("leak");
    assertThat(failure.getAttribute("message")).startsWith("leak: leak  com.acme.Session  +" + SESSION_GROWTH_OBJECTS
        + " objects  +" + SESSION_GROWTH_BYTES + " bytes  counts 2,4,6");
    assertThat(failure.getTextContent()).contains("held by static com.acme.Registry.SESSIONS");
    assertThat(testcase(cases, "com.acme.Entry").getElementsByTagName("failure").getLength()).isZero();
  }

  @Test
  void junitWithoutGatesFailsNothingAndTheTotalGateIsATestCaseOfItsOwn() throws Exception {
    Document quiet = validJUnit(Cli.run(args(dumps, "--format", "junit")).out());
    assertThat(quiet.getDocumentElement().getAttribute("failures")).isEqualTo("0");
    assertThat(quiet.getElementsByTagName("failure").getLength()).isZero();

    Cli r = Cli.run(args(dumps, "--format", "junit", "--fail-on-total-growth", "1KiB"));
    assertThat(r.exitCode()).isEqualTo(1);
    Document doc = validJUnit(r.out());
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("4");
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    Element heap = testcase(doc.getElementsByTagName("testcase"), "memdiff.heap");
    assertThat(((Element) heap.getElementsByTagName("failure").item(0)).getAttribute("type")).isEqualTo("total-growth");
  }

  @Test
  void junitReplacesControlCharactersOfAHostileNameAndEscapesTheRest() throws Exception {
    Cli r = Cli.run(args(hostile, "--format", "junit", "--fail-on-leak"));
    assertThat(r.out()).doesNotContain("\u0001").doesNotContain("<b>");
    Document doc = validJUnit(r.out());
    Element evil = testcase(doc.getElementsByTagName("testcase"), Text.safe(HOSTILE_CLASS));
    assertThat(evil.getAttribute("classname")).isEqualTo(Text.safe(HOSTILE_CLASS)).contains("\\u0001", "\\n");
    assertThat(evil.getElementsByTagName("failure").getLength()).isEqualTo(1);
  }

  @Test
  void githubAnnotationsGoToStderrErrorsForGatesWarningsForTheRest() {
    Cli text = Cli.run(args(dumps));
    Cli r = Cli.run(args(dumps, "--annotations", "github", "--fail-on-leak"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEqualTo(text.out());
    List<String> commands = Arrays.stream(r.errLines()).filter(l -> l.startsWith("::")).toList();
    assertThat(commands).hasSize(3);
    assertThat(commands).filteredOn(l -> l.startsWith("::error title=memdiff leak::leak com.acme.Session +"
        + SESSION_GROWTH_OBJECTS + " objects +" + SESSION_GROWTH_BYTES + " bytes")).hasSize(1);
    assertThat(commands).filteredOn(l -> l.startsWith("::error title=memdiff leak::")).hasSize(2);
    assertThat(commands).filteredOn(l -> l.startsWith("::warning title=memdiff bloat::leak")).isEmpty();
    assertThat(commands).filteredOn(l -> l.startsWith("::warning title=memdiff bloat::bloat com.acme.Entry ")).hasSize(1);
  }

  @Test
  void annotationsOfAHostileNameStayOneCommandEach() {
    Cli r = Cli.run(args(hostile, "--annotations", "github", "--format", "json"));
    assertThat(r.exitCode()).isZero();
    List<String> lines = Arrays.asList(r.errLines());
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).matches("::warning title=memdiff \\w+::.*"));
    String evil = lines.stream().filter(l -> l.contains("Evil")).findFirst().orElseThrow();
    // '%' is escaped, so the runner turns no '%0A' of the name into a line break.
    assertThat(evil).contains(" " + Text.safe(HOSTILE_CLASS).replace("%", "%25") + " +2 objects");
  }

  @Test
  void workflowCommandPropertiesEscapeColonsAndCommas() {
    assertThat(GithubAnnotations.command("error", "a:b,c%", "50%\r\nnext"))
        .isEqualTo("::error title=a%3Ab%2Cc%25::50%25%0D%0Anext");
  }

  @Test
  void commandsOtherThanTheDiffRefuseTheCiFormats() {
    for (String command : List.of("histo", "summary", "path --class com.acme.Session", "show 0x2030")) {
      String[] words = command.split(" ");
      List<String> a = new ArrayList<>(List.of(words[0], dumps[0]));
      a.addAll(Arrays.asList(words).subList(1, words.length));
      a.addAll(List.of("--format", "junit"));
      Cli r = Cli.run(a.toArray(String[]::new));
      assertThat(r.exitCode()).as(command).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).as(command).startsWith("memdiff: memdiff " + words[0] + " prints text or json; --format junit");
    }
  }

  /** The table's rows split into cells as GitHub-flavoured Markdown splits them: at pipes no backslash escapes. */
  static List<List<String>> table(List<String> lines) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith("|")) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      for (int i = 1; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
          cell.append("\\|");
          i++;
        } else if (c == '|') {
          cells.add(cell.toString().strip());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      assertThat(cell.toString()).as("text after a row's last pipe").isBlank();
      if (!cells.get(0).startsWith("--")) {
        rows.add(cells);
      }
    }
    return rows;
  }

  /** A cell as it renders: escaped pipes first (GFM tables), then backslash escapes and entities. */
  static String rendered(String cell) {
    String s = cell.replace("\\|", "|");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && "\\`*_[]~|!#()<>&".indexOf(s.charAt(i + 1)) >= 0) {
        out.append(s.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  static Document validJUnit(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
        .newSchema(CiFormatsTest.class.getResource("/junit/junit.xsd"))
        .newValidator().validate(new DOMSource(doc));
    return doc;
  }

  static Element testcase(NodeList cases, String classname) {
    for (int i = 0; i < cases.getLength(); i++) {
      Element e = (Element) cases.item(i);
      if (e.getAttribute("classname").equals(classname)) {
        return e;
      }
    }
    throw new AssertionError("no testcase of class " + classname);
  }

  static com.fasterxml.jackson.databind.JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
