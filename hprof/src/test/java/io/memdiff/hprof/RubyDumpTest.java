package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ruby reader on small hand-written {@code ObjectSpace.dump_all} files (test resources, so it is
 * tested where no ruby runs): objects, classes, memsizes, references, roots and allocation sites
 * reach the heap model, and damaged lines are named by their line number.
 */
class RubyDumpTest {
  @TempDir
  Path dir;

  private Path resource(String name) throws IOException {
    return RubyResources.copy(dir, name);
  }

  private static HeapIndex index(Path dump, boolean lenient) throws IOException {
    HprofFile file = HprofFile.open(dump);
    ScanOptions options = new ScanOptions(0, lenient);
    return HeapIndex.build(DumpCatalog.build(file, options, LayoutOverrides.NONE), options);
  }

  private static ClassInfo classNamed(DumpCatalog catalog, String name) {
    for (int i = 0; i < catalog.classCount(); i++) {
      if (catalog.classAt(i).name().equals(name)) {
        return catalog.classAt(i);
      }
    }
    throw new AssertionError("no class " + name);
  }

  @Test
  void everyLineBecomesAnObjectOfItsRubyClassSizedByItsMemsize() throws IOException {
    HeapIndex index = index(resource("tiny.json"), false);
    DumpCatalog catalog = index.catalog();
    assertThat(index.objectCount()).isEqualTo(13);
    assertThat(catalog.file().version()).isEqualTo(RubyDump.FORMAT);
    ClassInfo session = classNamed(catalog, "Session");
    assertThat(catalog.countOf(session.index())).isEqualTo(2);
    assertThat(catalog.shallowBytesOf(session.index())).isEqualTo(80);
    ClassInfo string = classNamed(catalog, "String");
    assertThat(catalog.countOf(string.index())).isEqualTo(3);
    assertThat(catalog.shallowBytesOf(string.index())).isEqualTo(221);
    assertThat(catalog.countOf(classNamed(catalog, "Class").index())).isEqualTo(6);
    assertThat(catalog.countOf(classNamed(catalog, "T_IMEMO(ment)").index())).isEqualTo(1);
    assertThat(index.shallowSize(index.indexOf(0x1090))).isEqualTo(141);
    assertThat(index.shallowSizeUnit()).isEqualTo(1);
    assertThat(catalog.file().ruby().classObjectName(0x1000)).isEqualTo("Registry");
    assertThat(catalog.file().ruby().classObjectName(0x1008)).isEqualTo("(singleton class)");
  }

  @Test
  void referencesKeepTheirOrderAndDuplicates() throws IOException {
    HeapIndex index = index(resource("tiny.json"), false);
    LongArrayList targets = new LongArrayList();
    index.forEachReference(index.indexOf(0x1050), (label, target) -> targets.add(target));
    assertThat(targets.toLongArray()).containsExactly(0x1078L, 0x1080L, 0x1078L);
  }

  @Test
  void rootLinesBecomeRootsNamedAsRubyNamesThem() throws IOException {
    DumpCatalog catalog = index(resource("tiny.json"), false).catalog();
    assertThat(catalog.roots().size()).isEqualTo(3);
    assertThat(catalog.roots().objectId(2)).isEqualTo(0x10a0);
    assertThat(catalog.file().ruby().rootName(0)).isEqualTo("vm");
    assertThat(catalog.file().ruby().rootName(2)).isEqualTo("global_tbl");
  }

  @Test
  void allocationSitesAreFileAndLine() throws IOException {
    HeapIndex index = index(resource("tiny.json"), false);
    DumpCatalog catalog = index.catalog();
    assertThat(catalog.objectsHaveAllocationTraces()).isTrue();
    int trace = index.traceSerial(index.indexOf(0x1080));
    assertThat(catalog.stacks().describeTraceFrame(trace, 0, catalog.strings(), id -> "?")).isEqualTo("app.rb:7");
    int untraced = index.traceSerial(index.indexOf(0x10a8));
    assertThat(catalog.stacks().describeTraceFrame(untraced, 0, catalog.strings(), id -> "?")).isNull();
  }

  @Test
  void gzipDumpReadsAsThePlainOne() throws IOException {
    Path gz = dir.resolve("tiny.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(resource("tiny.json"), out);
    }
    HeapIndex index = index(gz, false);
    assertThat(index.objectCount()).isEqualTo(13);
    assertThat(index.catalog().file().wasCompressed()).isTrue();
  }

  @Test
  void truncatedLastLineNamesItsLine() throws IOException {
    Path dump = resource("truncated.json");
    assertThatThrownBy(() -> index(dump, false)).isInstanceOf(HprofFormatException.class)
        .hasMessageStartingWith("line 15: truncated: the dump ends inside this line");
  }

  @Test
  void badJsonNamesItsLineAndNoValue() throws IOException {
    Path dump = resource("bad-json.json");
    assertThatThrownBy(() -> index(dump, false)).isInstanceOf(HprofFormatException.class)
        .hasMessageStartingWith("line 9: not valid JSON at column")
        .hasMessageNotContaining("pw1").hasMessageNotContaining("secret");
  }

  @Test
  void referenceToAnUnknownAddressNamesItsLine() throws IOException {
    Path dump = resource("unknown-reference.json");
    assertThatThrownBy(() -> index(dump, false)).isInstanceOf(HprofFormatException.class)
        .hasMessageStartingWith("line 10: references 0x9990, which no line of the dump describes");
  }

  @Test
  void lenientReadSkipsTheBadLineAndCountsIt() throws IOException {
    HeapIndex index = index(resource("bad-json.json"), true);
    assertThat(index.objectCount()).isEqualTo(12);
    assertThat(index.catalog().file().ruby().skippedLines()).isEqualTo(1);
    // The skipped line's object is gone, so the two references to it dangle too.
    assertThat(index.catalog().file().ruby().losses()).containsExactly(
        "skipped 1 unreadable line(s), the first at line 9: not valid JSON at column 67",
        "dropped 2 reference(s) to addresses no line describes");
    HeapIndex dangling = index(resource("unknown-reference.json"), true);
    assertThat(dangling.catalog().file().ruby().danglingReferences()).isEqualTo(1);
  }

  @Test
  void aLineLongerThanTheReadBufferIsReadWhole() throws IOException {
    StringBuilder refs = new StringBuilder();
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      refs.append(i == 0 ? "" : ", ").append("\"0x2000\"");
    }
    Path dump = dir.resolve("long.json");
    Files.writeString(dump, "{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x1000\"]}\n"
        + "{\"address\":\"0x1000\", \"type\":\"ARRAY\", \"class\":\"0x3000\", \"references\":[" + refs + "], \"memsize\":2400040}\n"
        + "{\"address\":\"0x2000\", \"type\":\"STRING\", \"class\":\"0x3008\", \"memsize\":40}\n"
        + "{\"address\":\"0x3000\", \"type\":\"CLASS\", \"name\":\"Array\", \"memsize\":100}\n"
        + "{\"address\":\"0x3008\", \"type\":\"CLASS\", \"name\":\"String\", \"memsize\":100}\n");
    HeapIndex index = index(dump, false);
    int[] count = {0};
    index.forEachReference(index.indexOf(0x1000), (label, target) -> count[0]++);
    assertThat(count[0]).isEqualTo(n);
    assertThat(index.shallowSize(index.indexOf(0x1000))).isEqualTo(2400040);
  }
}
