package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Ruby dump is read in parts cut at arbitrary offsets: wherever the cuts fall (inside a line,
 * on a line break, right after one) and however many parts there are, the HPROF records, the facts
 * beside them and the line an error names are the same as from one part.
 */
class RubyPartsTest {
  @TempDir
  Path dir;

  private Path resource(String name) throws IOException {
    return RubyResources.copy(dir, name);
  }

  /** The transcoded file's bytes and what the dump recorded beside them, as one comparable text. */
  private String transcode(Path dump, long... bounds) throws IOException {
    return transcode(dump, true, bounds);
  }

  private String transcode(Path dump, boolean inHeap, long... bounds) throws IOException {
    Path target = Files.createTempFile(dir, "t-", ".hprof");
    RubyDump ruby;
    try (FileChannel in = FileChannel.open(dump, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ruby = RubyTranscoder.transcode(in, bounds, out, 0, new RubyTranscoder.Scratch(inHeap, dir));
    }
    byte[] bytes = Files.readAllBytes(target);
    Files.delete(target);
    StringBuilder facts = new StringBuilder();
    try {
      ruby.requireWhole(dump);
      facts.append("whole");
    } catch (HprofFormatException e) {
      facts.append(e.getMessage());
    }
    facts.append(" | ").append(ruby.losses()).append(" | ").append(ruby.skippedLines()).append(' ')
        .append(ruby.danglingReferences()).append(" | ");
    for (int r = 0; ruby.rootName(r) != null; r++) {
      facts.append(ruby.rootName(r)).append(',');
    }
    return facts + " | " + java.util.HexFormat.of().formatHex(bytes);
  }

  private String onePart(Path dump) throws IOException {
    return transcode(dump, 0, Files.size(dump));
  }

  /** Two parts cut at every offset, and three parts cut at every seventh offset and the middle. */
  private void sameWhereverCut(Path dump) throws IOException {
    String whole = onePart(dump);
    long length = Files.size(dump);
    for (long cut = 0; cut <= length; cut++) {
      assertThat(transcode(dump, 0, cut, length)).as("cut at %d", cut).isEqualTo(whole);
      if (cut % 7 != 0) {
        continue;
      }
      long middle = length / 2;
      long[] three = cut < middle ? new long[] {0, cut, middle, length} : new long[] {0, middle, cut, length};
      assertThat(transcode(dump, three)).as("cuts at %d and %d", three[1], three[2]).isEqualTo(whole);
    }
  }

  @Test
  void linesStraddlingACutAreReadOnceWhereverTheCutFalls() throws IOException {
    sameWhereverCut(resource("tiny.json"));
  }

  @Test
  void aBadLineIsNamedByItsLineInTheWholeDumpWhereverTheCutFalls() throws IOException {
    Path bad = resource("bad-json.json");
    assertThat(onePart(bad)).startsWith("line 9: not valid JSON at column 67");
    sameWhereverCut(bad);
    Path truncated = resource("truncated.json");
    assertThat(onePart(truncated)).startsWith("line 15: truncated: the dump ends inside this line");
    sameWhereverCut(truncated);
    Path unknown = resource("unknown-reference.json");
    assertThat(onePart(unknown)).startsWith("line 10: references 0x9990");
    sameWhereverCut(unknown);
  }

  @Test
  void blankLinesAndALastLineWithoutABreakCountAsLines() throws IOException {
    Path dump = dir.resolve("blank.json");
    Files.writeString(dump, "{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x1000\"]}\n\n  \n"
        + "{\"address\":\"0x1000\", \"type\":\"OBJECT\", \"class\":\"0x2000\", \"memsize\":40}\n\n"
        + "{\"address\":\"0x2000\", \"type\":\"CLASS\", \"name\":\"Session\", \"references\":[\"0x3000\"], \"memsize\":40}");
    assertThat(onePart(dump)).startsWith("line 6: references 0x3000");
    sameWhereverCut(dump);
  }

  @Test
  void aLineCutShortIsNamedAndNeverReadOnIntoTheNextLine() throws IOException {
    Path dump = dir.resolve("cut.json");
    Files.writeString(dump, "{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x1000\"]}\n"
        + "{\"address\":\"0x1000\", \"type\":\"OBJECT\", \"references\":[\n"
        + "\"0x1000\"], \"memsize\":40}\n"
        + "{\"address\":\"0x1000\", \"type\":\"OBJECT\", \"memsize\":40}\n");
    assertThat(onePart(dump)).startsWith("line 2: truncated: the line ends inside a JSON value")
        .contains("| 2 0 |");
    sameWhereverCut(dump);
  }

  @Test
  void aValueNestedDeeperThan64IsRefusedWhereverItStarts() throws IOException {
    assertThat(onePart(nested("[".repeat(64) + "1" + "]".repeat(64)))).startsWith("whole");
    assertThat(onePart(nested("[".repeat(65) + "]".repeat(65)))).startsWith("whole");
    assertThat(onePart(nested("{\"k\":".repeat(64) + "{}" + "}".repeat(64)))).startsWith("whole");
    assertThat(onePart(nested("[".repeat(65) + "1" + "]".repeat(65)))).startsWith("line 2: nested deeper than 64");
    assertThat(onePart(nested("[".repeat(66) + "]".repeat(66)))).startsWith("line 2: nested deeper than 64");
    assertThat(onePart(nested("{\"k\":".repeat(65) + "1" + "}".repeat(65)))).startsWith("line 2: nested deeper than 64");
  }

  private Path nested(String value) throws IOException {
    Path dump = Files.createTempFile(dir, "nested-", ".json");
    Files.writeString(dump, "{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x1000\"]}\n"
        + "{\"address\":\"0x1000\", \"type\":\"OBJECT\", \"x\":" + value + ", \"memsize\":40}\n");
    return dump;
  }

  @Test
  void aDumpReadInOneTwoOrEightPartsGivesTheSameRecords() throws IOException {
    Path dump = generated(3000);
    long length = Files.size(dump);
    String one = transcode(dump, RubyTranscoder.bounds(length, 1, 1));
    assertThat(one).startsWith("whole");
    for (int parts : new int[] {2, 3, 8, 64}) {
      long[] bounds = RubyTranscoder.bounds(length, parts, 1);
      assertThat(bounds).hasSize(parts + 1);
      assertThat(transcode(dump, bounds)).as("%d parts", parts).isEqualTo(one);
    }
    assertThat(RubyTranscoder.bounds(length, 8, length / 3 + 1)).hasSize(3);
  }

  @Test
  void recordsThatWaitInAScratchFileAreWrittenAsFromTheHeap() throws IOException {
    Path dump = generated(3000);
    long length = Files.size(dump);
    String inHeap = transcode(dump, true, RubyTranscoder.bounds(length, 3, 1));
    assertThat(transcode(dump, false, RubyTranscoder.bounds(length, 3, 1))).isEqualTo(inHeap);
    assertThat(transcode(dump, false, RubyTranscoder.bounds(length, 1, 1))).isEqualTo(inHeap);
    Path unknown = resource("unknown-reference.json");
    assertThat(transcode(unknown, false, 0, 500, Files.size(unknown))).isEqualTo(onePart(unknown));
  }

  @Test
  void openingADumpOnOneTwoOrEightThreadsGivesTheSameIndex() throws IOException {
    Path dump = generated(3000);
    String one = describe(dump, 1);
    assertThat(describe(dump, 2)).isEqualTo(one);
    assertThat(describe(dump, 8)).isEqualTo(one);
  }

  private static String describe(Path dump, int parts) throws IOException {
    try (HprofFile file = RubyDumpFile.open(dump, false, null, MappedFile.DEFAULT_WINDOW_SIZE, parts, 1)) {
      ScanOptions options = new ScanOptions(0, false);
      HeapIndex index = HeapIndex.build(DumpCatalog.build(file, options, LayoutOverrides.NONE), options);
      StringBuilder s = new StringBuilder();
      for (int o = 0; o < index.objectCount(); o++) {
        s.append(Long.toHexString(index.address(o))).append(' ').append(index.classOf(o).name()).append(' ')
            .append(index.shallowSize(o)).append(' ').append(index.traceSerial(o)).append(' ');
        index.forEachReference(o, (label, target) -> s.append(Long.toHexString(target)).append(','));
        s.append('\n');
      }
      return s.toString();
    }
  }

  /**
   * A dump of {@code objects} objects in the order Ruby writes them (by heap page, so a class's line
   * may come after its objects' and a site's first object anywhere), with roots first and IMEMOs,
   * unnamed classes and objects without a site among them.
   */
  private Path generated(int objects) throws IOException {
    Random random = new Random(23);
    StringBuilder s = new StringBuilder();
    long first = 0x7f0000001000L;
    s.append("{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x").append(Long.toHexString(first))
        .append("\"]}\n");
    String[] types = {"OBJECT", "STRING", "ARRAY", "HASH", "IMEMO", "DATA"};
    int classes = 20;
    long classBase = first + 40L * objects;
    for (int i = 0; i < objects; i++) {
      long address = first + 40L * i;
      String type = types[random.nextInt(types.length)];
      s.append("{\"address\":\"0x").append(Long.toHexString(address)).append("\", \"type\":\"").append(type)
          .append('"');
      if (type.equals("IMEMO")) {
        s.append(", \"imemo_type\":\"").append(random.nextBoolean() ? "ment" : "iseq").append('"');
      } else if (!type.equals("DATA") || random.nextBoolean()) {
        s.append(", \"class\":\"0x").append(Long.toHexString(classBase + 40L * random.nextInt(classes))).append('"');
      }
      if (type.equals("STRING")) {
        s.append(", \"value\":\"v\\\"").append(i).append("\", \"flags\":{\"old\":true, \"marked\":[1, {}]}");
      }
      s.append(", \"references\":[");
      int refs = random.nextInt(4);
      for (int r = 0; r < refs; r++) {
        s.append(r == 0 ? "" : ", ").append("\"0x").append(Long.toHexString(first + 40L * random.nextInt(objects)))
            .append('"');
      }
      s.append(']');
      if (random.nextInt(5) > 0) {
        s.append(", \"file\":\"app/f").append(random.nextInt(7)).append(".rb\", \"line\":").append(random.nextInt(30));
      }
      s.append(", \"memsize\":").append(40 + random.nextInt(200)).append("}\n");
    }
    for (int c = 0; c < classes; c++) {
      s.append("{\"address\":\"0x").append(Long.toHexString(classBase + 40L * c)).append("\", \"type\":\"CLASS\"");
      if (c % 5 != 0) {
        s.append(", \"name\":\"C").append(c).append('"');
      }
      s.append(", \"references\":[], \"memsize\":400}\n");
    }
    Path dump = dir.resolve("generated.json");
    Files.writeString(dump, s);
    return dump;
  }
}
