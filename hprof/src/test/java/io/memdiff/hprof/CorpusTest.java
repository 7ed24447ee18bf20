package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real dumps from other projects' test suites ({@code ../shared/corpus}), with the facts those
 * projects assert. Skipped where the corpus is absent (a user's clone).
 */
class CorpusTest {
  static final Path CORPUS = Path.of("..", "..", "shared", "corpus");
  static final Path MAT = CORPUS.resolve("eclipse-mat");
  static final Path SLURP = CORPUS.resolve("hprof-slurp");

  static Stream<Path> dumps() throws IOException {
    if (!Files.isDirectory(CORPUS)) {
      return Stream.of(Path.of("corpus-absent"));
    }
    List<Path> all = new ArrayList<>();
    for (Path dir : List.of(MAT, SLURP)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().matches(".*\\.(hprof|bin|gz)$")).sorted().forEach(all::add);
      }
    }
    return all.stream();
  }

  static DumpCatalog catalog(Path dump, int index) throws IOException {
    try (HprofFile f = HprofFile.open(dump)) {
      return DumpCatalog.build(f, new ScanOptions(index, false), LayoutOverrides.NONE);
    }
  }

  @ParameterizedTest
  @MethodSource("dumps")
  void everyCorpusDumpParsesStrictlyAndIndexes(Path dump) throws IOException {
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      assertThat(index.objectCount()).isEqualTo(c.objects() - index.duplicateAddresses());
      long sum = 0;
      for (int i = 0; i < c.classCount(); i++) {
        sum += c.countOf(i);
      }
      assertThat(sum).isEqualTo(c.objects());
    }
  }

  @Test
  void theIbmPortableHeapDumpIsRefused() {
    Path phd = MAT.resolve("ibm_jdk6_32bit.phd");
    assumeTrue(Files.isRegularFile(phd), "corpus not present");
    assertThatThrownBy(() -> HprofFile.open(phd).close()).isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("not an HPROF heap dump");
  }

  @Test
  void everyRootOfTheJdk8DumpPointsAtAnObject() throws IOException {
    Path dump = MAT.resolve("oracle_jdk8_05_x64.hprof");
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      for (int r = 0; r < c.roots().size(); r++) {
        assertThat(index.indexOf(c.roots().objectId(r))).isNotNegative();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"sun_jdk6_31_hprofagent_compressedOops.hprof", "sun_jdk6_31_hprofagent_nocompressedOops.hprof",
      "oracle_jdk7_21_hprofagent.hprof"})
  void theHprofAgentsTwoHeapDumpsAreChosenByIndex(String name) throws IOException {
    Path dump = MAT.resolve(name);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    DumpCatalog first = catalog(dump, 0);
    DumpCatalog second = catalog(dump, 1);
    assertThat(first.scan().heapDumps()).isEqualTo(2);
    assertThat(first.objects()).isNotEqualTo(second.objects());
    assertThatThrownBy(() -> catalog(dump, 2)).isInstanceOf(NoSuchDumpException.class);
  }

  /**
   * jmap's histogram of the live JVM against our shallow sizes, as MAT's TestInstanceSizes compares
   * them. The histograms were not taken at the moment of the dump (counts differ widely), so
   * per-instance sizes of instance classes must match, and array totals only where the counts match.
   * Excluded: rows with no object in the dump (VM-internal {@code <...Klass>} and {@code [[I}), and
   * {@code java.lang.Class}, a convention gap: on these JDK 6 VMs every mirror has one fixed size
   * (jmap: 104 bytes with compressed oops, 184 without, in the 1.6.0_30 notes), because statics lived
   * in the permanent generation until JDK 7; memdiff sizes a mirror as a {@code java.lang.Class}
   * instance plus the class's statics, which is the JDK 7+ layout. The one mismatch MAT also allows in
   * the 1.5.0_13 dump is {@code byte[]}: 16 arrays, jmap 43,536 bytes, memdiff 8 more.
   *
   * <p>The hprof agent's ids are not addresses, so no layout can be inferred from them; the heap's
   * {@code System.props} says the JVM was 64-bit, and compressed oops are assumed (the JVM's default):
   * 14 of its classes differ, against all of them when it was sized as 32-bit. The 14: Throwables and
   * class loaders (fields the VM injects, which the agent does not write: 8 bytes each) and arrays
   * whose count matches but whose lengths jmap saw at another moment. Its {@code nocompressedOops}
   * twin cannot be told apart from the dump, and is left out.
   */
  @ParameterizedTest
  @CsvSource({
    "sun_jdk6_18_x64.hprof, histogram_sun_jdk6_18_x64.txt, 0",
    "sun_jdk6_18_x32.hprof, histogram_sun_jdk6_18_x32.txt, 0",
    "sun_jdk5_13_x32.hprof, histogram_sun_jdk5_13_x32.txt, 1",
    "sun_jdk6_30_x64_compressedOops.hprof, sun_jdk6_30_x64_compressedOops.notes.txt, 0",
    "sun_jdk6_30_x64_nocompressedOops.hprof, sun_jdk6_30_x64_nocompressedOops.notes.txt, 0",
    "sun_jdk6_31_hprofagent_compressedOops.hprof, sun_jdk6_31_hprofagent_compressedOops.txt, 14"
  })
  void shallowSizesMatchJmapsHistogram(String dumpName, String histogram, int allowedMismatches) throws IOException {
    Path dump = MAT.resolve(dumpName);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    Map<String, long[]> jmap = jmapHistogram(MAT.resolve("jmap-histograms").resolve(histogram));
    DumpCatalog c = catalog(dump, 0);
    Map<String, long[]> ours = new TreeMap<>();
    for (int i = 0; i < c.classCount(); i++) {
      if (c.countOf(i) > 0) {
        ours.merge(c.classAt(i).name(), new long[] {c.countOf(i), c.shallowBytesOf(i)},
            (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
      }
    }
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Map.Entry<String, long[]> e : jmap.entrySet()) {
      long[] j = e.getValue();
      long[] o = ours.get(e.getKey());
      if (o == null || e.getKey().equals("java.lang.Class")) {
        continue;
      }
      boolean array = e.getKey().endsWith("[]");
      if (array && o[0] != j[0]) {
        continue; // array sizes vary per instance: comparable only as totals of the same objects
      }
      compared++;
      boolean same = array ? o[1] == j[1] : o[1] / o[0] == j[1] / j[0];
      if (!same) {
        mismatches.add(e.getKey() + " jmap " + j[0] + "/" + j[1] + " memdiff " + o[0] + "/" + o[1]);
      }
    }
    assertThat(compared).isGreaterThan(40);
    assertThat(mismatches).as(c.layout().description()).hasSizeLessThanOrEqualTo(allowedMismatches);
  }

  static Map<String, long[]> jmapHistogram(Path file) throws IOException {
    Map<String, long[]> out = new TreeMap<>();
    Pattern row = Pattern.compile("^\\s*(?:\\d+:)?\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s*$");
    for (String line : Files.readAllLines(file)) {
      Matcher m = row.matcher(line);
      if (m.matches() && !m.group(3).startsWith("<")) {
        out.put(ClassInfo.javaName(m.group(3).replace('.', '/')), new long[] {Long.parseLong(m.group(1)),
            Long.parseLong(m.group(2))});
      }
    }
    return out;
  }

  /** Class ids named by LOAD CLASS records (hprof-64.bin repeats 57 of them, as LeakCanary#2683 saw). */
  static long distinctLoadedClasses(Path dump) throws IOException {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    try (HprofFile f = HprofFile.open(dump)) {
      RecordScanner.scan(f, new HprofVisitor() {
        @Override
        public void loadClass(int classSerial, long classId, int traceSerial, long nameId) {
          ids.add(classId);
        }
      }, ScanOptions.STRICT);
    }
    return ids.size();
  }

  /** Name → count rows of one of hprof-slurp's golden files, read with a line pattern. */
  static Map<String, Long> slurpGolden(String file, String pattern, int nameGroup, int countGroup) throws IOException {
    Map<String, Long> golden = new TreeMap<>();
    Pattern row = Pattern.compile(pattern);
    for (String line : Files.readAllLines(SLURP.resolve("expected").resolve(file))) {
      Matcher m = row.matcher(line.strip());
      if (m.matches()) {
        golden.put(m.group(nameGroup), Long.parseLong(m.group(countGroup)));
      }
    }
    return golden;
  }

  /** hprof-slurp's golden record and root counts for its two dumps. */
  @ParameterizedTest
  @CsvSource({"hprof-32.bin, hprof-32-result.txt", "hprof-64.bin, hprof-64-result.txt"})
  void recordAndRootCountsMatchHprofSlurp(String dumpName, String expected) throws IOException {
    Path dump = SLURP.resolve(dumpName);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    Map<String, Long> golden = slurpGolden(expected, "^(?:\\.\\.)?([A-Za-z][A-Za-z0-9 -]+): (\\d+)$", 1, 2);
    DumpCatalog c = catalog(dump, 0);
    long[] r = c.scan().recordCounts();
    long[] s = c.scan().subRecordCounts();
    long[] roots = c.roots().countsByKind();
    assertThat(r[Tags.UTF8]).isEqualTo(golden.get("UTF-8 Strings"));
    assertThat(distinctLoadedClasses(dump)).isEqualTo(golden.get("Classes loaded"));
    assertThat(r[Tags.UNLOAD_CLASS]).isEqualTo(golden.get("Classes unloaded"));
    assertThat(r[Tags.TRACE]).isEqualTo(golden.get("Stack traces"));
    assertThat(r[Tags.FRAME]).isEqualTo(golden.get("Stack frames"));
    assertThat(r[Tags.START_THREAD]).isEqualTo(golden.get("Start threads"));
    assertThat(r[Tags.END_THREAD]).isEqualTo(golden.get("End threads"));
    assertThat(r[Tags.ALLOC_SITES]).isEqualTo(golden.get("Allocation sites"));
    assertThat(r[Tags.CONTROL_SETTINGS]).isEqualTo(golden.get("Control settings"));
    assertThat(r[Tags.CPU_SAMPLES]).isEqualTo(golden.get("CPU samples"));
    assertThat(r[Tags.HEAP_SUMMARY]).isEqualTo(golden.get("Heap summaries"));
    assertThat(roots[RootKind.UNKNOWN.ordinal()]).isEqualTo(golden.get("GC root unknown"));
    assertThat(roots[RootKind.THREAD_OBJECT.ordinal()]).isEqualTo(golden.get("GC root thread objects"));
    assertThat(roots[RootKind.JNI_GLOBAL.ordinal()]).isEqualTo(golden.get("GC root JNI global"));
    assertThat(roots[RootKind.JNI_LOCAL.ordinal()]).isEqualTo(golden.get("GC root JNI local"));
    assertThat(roots[RootKind.JAVA_FRAME.ordinal()]).isEqualTo(golden.get("GC root Java frame"));
    assertThat(roots[RootKind.NATIVE_STACK.ordinal()]).isEqualTo(golden.get("GC root native stack"));
    assertThat(roots[RootKind.STICKY_CLASS.ordinal()]).isEqualTo(golden.get("GC root sticky class"));
    assertThat(roots[RootKind.THREAD_BLOCK.ordinal()]).isEqualTo(golden.get("GC root thread block"));
    assertThat(roots[RootKind.MONITOR_USED.ordinal()]).isEqualTo(golden.get("GC root monitor used"));
    assertThat(s[Tags.PRIMITIVE_ARRAY_DUMP]).isEqualTo(golden.get("GC primitive array dump"));
    assertThat(s[Tags.OBJECT_ARRAY_DUMP]).isEqualTo(golden.get("GC object array dump"));
    assertThat(s[Tags.CLASS_DUMP]).isEqualTo(golden.get("GC class dump"));
    assertThat(s[Tags.INSTANCE_DUMP]).isEqualTo(golden.get("GC instance dump"));
  }

  /**
   * The two 1.6.0_30 dumps are the same program with and without compressed oops, byte for byte the
   * same size: only the addresses tell them apart, and the layout must come from their gaps.
   */
  @ParameterizedTest
  @CsvSource({"sun_jdk6_30_x64_compressedOops.hprof, 12, 4", "sun_jdk6_30_x64_nocompressedOops.hprof, 16, 8"})
  void compressedOopsAreInferredFromAddressGaps(String dumpName, int header, int refSize) throws IOException {
    Path dump = MAT.resolve(dumpName);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    Layout layout = catalog(dump, 0).layout();
    assertThat(layout.header()).as(layout.description()).isEqualTo(header);
    assertThat(layout.refSize()).as(layout.description()).isEqualTo(refSize);
    assertThat(layout.description()).contains("inferred from Object[] address gaps");
  }

  /** Per-class counts, object records by kind and the object index all count the same objects. */
  @Test
  void theJdk8DumpsPerClassCountsSumToItsObjectCount() throws IOException {
    Path dump = MAT.resolve("oracle_jdk8_05_x64.hprof");
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      long sum = 0;
      for (int i = 0; i < c.classCount(); i++) {
        sum += c.countOf(i);
      }
      long[] s = c.scan().subRecordCounts();
      long records = s[Tags.INSTANCE_DUMP] + s[Tags.OBJECT_ARRAY_DUMP] + s[Tags.PRIMITIVE_ARRAY_DUMP] + s[Tags.CLASS_DUMP];
      assertThat(sum).isEqualTo(records).isPositive();
      assertThat((long) HeapIndex.build(c, ScanOptions.STRICT).objectCount()).isEqualTo(sum);
    }
  }

  /** Objects reachable from the roots over references plus MAT's implicit edges (class, loader, statics). */
  static boolean[] reachable(DumpCatalog c, HeapIndex index) {
    boolean[] seen = new boolean[index.objectCount()];
    int[] queue = new int[index.objectCount()];
    int[] tail = {0};
    for (int r = 0; r < c.roots().size(); r++) {
      int o = index.indexOf(c.roots().objectId(r));
      if (o >= 0 && !seen[o]) {
        seen[o] = true;
        queue[tail[0]++] = o;
      }
    }
    for (int head = 0; head < tail[0]; head++) {
      index.forEachReference(queue[head], (label, target) -> {
        int t = index.indexOf(target);
        if (t >= 0 && !seen[t]) {
          seen[t] = true;
          queue[tail[0]++] = t;
        }
      });
    }
    return seen;
  }

  /** MAT's GeneralSnapshotTests: 492 {@code java.lang.String} objects are reachable in this dump. */
  @Test
  void matsFourHundredNinetyTwoReachableStringsAreReachableHereToo() throws IOException {
    Path dump = MAT.resolve("sun_jdk5_64bit.hprof");
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      boolean[] seen = reachable(c, index);
      long strings = 0;
      long allStrings = 0;
      for (int o = 0; o < index.objectCount(); o++) {
        if (index.kind(o) != HeapIndex.KIND_CLASS && index.classOf(o).name().equals("java.lang.String")) {
          allStrings++;
          strings += seen[o] ? 1 : 0;
        }
      }
      assertThat(strings).isEqualTo(492);
      assertThat(allStrings).as("the dump also holds unreachable strings").isGreaterThan(strings);
    }
  }

  /** Instance counts per class in memdiff's naming: class mirrors counted apart from java.lang.Class. */
  static Map<String, Long> instanceCounts(Path dump) throws IOException {
    DumpCatalog c = catalog(dump, 0);
    Map<String, Long> counts = new TreeMap<>();
    for (int i = 0; i < c.classCount(); i++) {
      long n = c.countOf(i);
      if (c.classAt(i) == c.javaLangClass()) {
        n -= c.classDumps(); // memdiff counts each class's mirror as a java.lang.Class, hprof-slurp does not
      }
      if (n > 0) {
        counts.merge(c.classAt(i).name(), n, Long::sum);
      }
    }
    return counts;
  }

  /**
   * hprof-slurp's name for a class, from memdiff's. The hprof agent (hprof-32.bin) writes array class
   * names already in Java form ({@code java.lang.Object[]}, not {@code [Ljava/lang/Object;}), and
   * hprof-slurp appends {@code []} to every object array's class name regardless, so its golden files
   * say {@code java.lang.Object[][]} for what are one-dimensional arrays there.
   */
  static String slurpName(String memdiffName, boolean javaFormArrayNames) {
    boolean primitiveArray = memdiffName.matches("(boolean|char|float|double|byte|short|int|long)(\\[\\])+");
    return javaFormArrayNames && memdiffName.endsWith("[]") && !primitiveArray ? memdiffName + "[]" : memdiffName;
  }

  static Map<String, Long> slurpNamedCounts(Path dump, boolean javaFormArrayNames) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    instanceCounts(dump).forEach((name, n) -> out.merge(slurpName(name, javaFormArrayNames), n, Long::sum));
    return out;
  }

  /** The instance column of hprof-slurp's "top classes" and "largest instances" tables. */
  @ParameterizedTest
  @CsvSource({"hprof-32.bin, hprof-32-result.txt, true", "hprof-64.bin, hprof-64-result.txt, false"})
  void instanceCountsPerClassMatchHprofSlurpsTables(String dumpName, String expected, boolean javaFormArrayNames)
      throws IOException {
    Path dump = SLURP.resolve(dumpName);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    Map<String, Long> golden = slurpGolden(expected, "^\\|[^|]+\\|\\s*(\\d+)\\s*\\|[^|]+\\|\\s*(\\S+)\\s*\\|$", 2, 1);
    assertThat(golden).as("rows parsed from " + expected).hasSizeGreaterThan(20);
    assertThat(slurpNamedCounts(dump, javaFormArrayNames)).containsAllEntriesOf(golden);
  }

  /** hprof-slurp's class-histogram diff from hprof-32.bin to hprof-64.bin: instances (from → to) per class. */
  @Test
  void instanceCountDeltasMatchHprofSlurpsDiff() throws IOException {
    assumeTrue(Files.isRegularFile(SLURP.resolve("hprof-32.bin")), "corpus not present");
    Map<String, Long> from = slurpNamedCounts(SLURP.resolve("hprof-32.bin"), true);
    Map<String, Long> to = slurpNamedCounts(SLURP.resolve("hprof-64.bin"), false);
    Pattern row = Pattern.compile("^\\s*\\S+\\s+-?\\d+\\s+.+?\\s+(\\d+) \u2192 (\\d+)\\s+(\\S+)$");
    int rows = 0;
    for (String line : Files.readAllLines(SLURP.resolve("expected").resolve("hprof-diff-32-to-64-result.txt"))) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        rows++;
        String name = m.group(3);
        assertThat(from.getOrDefault(name, 0L)).as(name + " in hprof-32.bin").isEqualTo(Long.parseLong(m.group(1)));
        assertThat(to.getOrDefault(name, 0L)).as(name + " in hprof-64.bin").isEqualTo(Long.parseLong(m.group(2)));
      }
    }
    assertThat(rows).isEqualTo(20);
  }
}
