package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.testdata.Fixtures;
import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser on hand-built dumps whose every record is known. */
class FixtureParsingTest {
  @TempDir Path dir;

  private DumpCatalog catalog(HprofWriter w, ScanOptions options) throws IOException {
    Path f = w.writeTo(dir.resolve("fixture-" + System.nanoTime() + ".hprof"));
    try (HprofFile file = HprofFile.open(f, null, 64)) {
      return DumpCatalog.build(file, options, LayoutOverrides.NONE);
    }
  }

  static Map<String, Long> counts(DumpCatalog c) {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < c.classCount(); i++) {
      if (c.countOf(i) > 0) {
        m.merge(c.classAt(i).name(), c.countOf(i), Long::sum);
      }
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void theCommonHeapParsesWithEitherIdSize(int idSize) throws IOException {
    DumpCatalog c = catalog(Fixtures.minimal(idSize), ScanOptions.STRICT);
    assertThat(c.file().idSize()).isEqualTo(idSize);
    Map<String, Long> counts = counts(c);
    assertThat(counts).containsEntry("com.acme.Foo", (long) Fixtures.FOOS)
        .containsEntry("java.lang.String", 1L).containsEntry("byte[]", 1L).containsEntry("int[]", 1L)
        .containsEntry("java.lang.Object[]", 1L).containsEntry("java.lang.Class", (long) Fixtures.CLASSES);
    assertThat(c.objects()).isEqualTo(Fixtures.OBJECTS);
    assertThat(c.roots().size()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void fieldLayoutsSpanTheHierarchyOwnFieldsFirst(int idSize) throws IOException {
    DumpCatalog c = catalog(Fixtures.minimal(idSize), ScanOptions.STRICT);
    ClassInfo foo = c.classById(Fixtures.FOO);
    assertThat(foo.name()).isEqualTo("com.acme.Foo");
    assertThat(foo.superclass().name()).isEqualTo("java.lang.Object");
    assertThat(foo.valueBytes()).isEqualTo(idSize + 4);
    assertThat(c.strings().get(foo.fieldNameId(0))).isEqualTo("next");
    assertThat(foo.referenceFieldOffsets()).containsExactly(0);
  }

  @Test
  void referencesAndStaticsAreFollowedThroughTheIndex() throws IOException {
    Path f = Fixtures.minimal(8).writeTo(dir.resolve("m.hprof"));
    try (HprofFile file = HprofFile.open(f)) {
      DumpCatalog c = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      int foo = index.indexOf(Fixtures.FIRST_FOO);
      Map<Integer, Long> refs = new HashMap<>();
      index.forEachReference(foo, (label, target) -> refs.put(EdgeLabel.kind(label), target));
      assertThat(refs).containsEntry(EdgeLabel.FIELD, Fixtures.FIRST_FOO + 0x10).containsEntry(EdgeLabel.CLASS_OF, Fixtures.FOO);
      Map<Integer, Long> statics = new HashMap<>();
      index.forEachReference(index.indexOf(Fixtures.FOO), (label, target) -> statics.put(EdgeLabel.kind(label), target));
      assertThat(statics).containsEntry(EdgeLabel.STATIC, Fixtures.SESSIONS).containsEntry(EdgeLabel.SUPERCLASS, Fixtures.OBJECT);
      assertThat(new InstanceFields(index).string(index.indexOf(Fixtures.A_STRING))).isEqualTo("abc");
    }
  }

  @Test
  void everyRecordTypeIsReadAndCounted() throws IOException {
    DumpCatalog c = catalog(Fixtures.everyRecordType(8), ScanOptions.STRICT);
    ScanResult s = c.scan();
    for (int tag : new int[] {Tags.UTF8, Tags.LOAD_CLASS, Tags.UNLOAD_CLASS, Tags.FRAME, Tags.TRACE, Tags.ALLOC_SITES,
        Tags.HEAP_SUMMARY, Tags.START_THREAD, Tags.END_THREAD, Tags.HEAP_DUMP, Tags.CPU_SAMPLES, Tags.CONTROL_SETTINGS}) {
      assertThat(s.recordCounts()[tag]).as(Tags.describeRecord(tag)).isPositive();
    }
    long[] kinds = c.roots().countsByKind();
    for (RootKind k : new RootKind[] {RootKind.UNKNOWN, RootKind.JNI_GLOBAL, RootKind.JNI_LOCAL, RootKind.JAVA_FRAME,
        RootKind.NATIVE_STACK, RootKind.STICKY_CLASS, RootKind.THREAD_BLOCK, RootKind.MONITOR_USED, RootKind.THREAD_OBJECT}) {
      assertThat(kinds[k.ordinal()]).as(k.name()).isPositive();
    }
    assertThat(c.stacks().describeThreadFrame(1, 0, c.strings(), id -> c.classById(id).name()))
        .isEqualTo("com.acme.Foo.run(Foo.java:42)");
    assertThat(counts(c)).containsEntry("com.acme.Foo", (long) Fixtures.FOOS);
  }

  @Test
  void androidRecordsAreRead() throws IOException {
    DumpCatalog c = catalog(Fixtures.android(), ScanOptions.STRICT);
    assertThat(c.file().version()).isEqualTo("JAVA PROFILE 1.0.3");
    long[] kinds = c.roots().countsByKind();
    for (RootKind k : new RootKind[] {RootKind.INTERNED_STRING, RootKind.FINALIZING, RootKind.DEBUGGER,
        RootKind.REFERENCE_CLEANUP, RootKind.VM_INTERNAL, RootKind.UNREACHABLE, RootKind.JNI_MONITOR}) {
      assertThat(kinds[k.ordinal()]).as(k.name()).isEqualTo(1);
    }
    assertThat(counts(c)).containsEntry("long[]", 1L);
    assertThat(c.scan().subRecordCounts()[Tags.PRIMITIVE_ARRAY_NODATA]).isEqualTo(1);
  }

  @Test
  void severalHeapDumpsInOneFileAreChosenByIndex() throws IOException {
    HprofWriter w = Fixtures.twoHeapDumps(4);
    DumpCatalog first = catalog(w, ScanOptions.STRICT);
    DumpCatalog second = catalog(w, new ScanOptions(1, false));
    assertThat(first.scan().heapDumps()).isEqualTo(2);
    assertThat(counts(first)).containsEntry("com.acme.Foo", (long) Fixtures.FOOS);
    assertThat(counts(second)).containsEntry("com.acme.Foo", (long) Fixtures.FOOS_IN_SECOND_DUMP);
    assertThatThrownBy(() -> catalog(w, new ScanOptions(2, false))).isInstanceOf(NoSuchDumpException.class)
        .hasMessageContaining("has 2 heap dumps");
  }

  @Test
  void anUnknownTopLevelRecordIsSkippedByItsLength() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.record(0x42, w.body().u4(1).u4(2));
    HprofWriter m = Fixtures.minimal(8);
    byte[] rest = m.toByteArray();
    w.raw(java.util.Arrays.copyOfRange(rest, 31, rest.length));
    DumpCatalog c = catalog(w, ScanOptions.STRICT);
    assertThat(c.scan().unknownRecords()).isEqualTo(1);
    assertThat(counts(c)).containsEntry("com.acme.Foo", (long) Fixtures.FOOS);
  }

  @Test
  void classesWithAMissingSuperclassOrASuperclassCycleStillParse() throws IOException {
    HprofWriter w = new HprofWriter(8);
    long a = w.string("A");
    long b = w.string("B");
    w.loadClass(1, 0x100, 1, a).loadClass(2, 0x200, 1, b);
    long[][] none = new long[0][];
    w.segment(w.body().classDump(0x100, 0x200, 0, 0, none, none).classDump(0x200, 0x100, 0, 0, none, none)
        .classDump(0x300, 0x999, 0, 0, none, none).instance(0x400, 1, 0x100, w.body()));
    w.heapDumpEnd();
    DumpCatalog c = catalog(w, ScanOptions.STRICT);
    assertThat(c.missingSuperclasses()).isGreaterThanOrEqualTo(2);
    assertThat(c.classById(0x100).isSubclassOf(c.classById(0x300))).isFalse();
  }
}
