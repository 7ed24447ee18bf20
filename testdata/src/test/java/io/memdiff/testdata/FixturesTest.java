package io.memdiff.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The fixtures hold what their documentation and constants say, read back by an independent walker. */
class FixturesTest {
  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void minimalIsOneSegmentWithTheCommonHeap(int idSize) {
    RecordWalker r = new RecordWalker(Fixtures.minimal(idSize).toByteArray());
    assertThat(r.dumps).hasSize(1);
    assertThat(r.dumps.get(0).segments).isEqualTo(1);
    assertThat(r.dumps.get(0).contents()).isEqualTo(Fixtures.COMMON_HEAP);
    assertThat(Fixtures.COMMON_HEAP.objects()).isEqualTo(Fixtures.OBJECTS);
    assertThat(r.recordCounts[Hprof.HEAP_DUMP_END]).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyRecordTypeHasEveryTopLevelTag(int idSize) {
    RecordWalker r = new RecordWalker(Fixtures.everyRecordType(idSize).toByteArray());
    for (int tag : new int[] {Hprof.UTF8, Hprof.LOAD_CLASS, Hprof.UNLOAD_CLASS, Hprof.FRAME, Hprof.TRACE,
        Hprof.ALLOC_SITES, Hprof.HEAP_SUMMARY, Hprof.START_THREAD, Hprof.END_THREAD, Hprof.HEAP_DUMP, Hprof.CPU_SAMPLES,
        Hprof.CONTROL_SETTINGS, Hprof.HEAP_DUMP_SEGMENT, Hprof.HEAP_DUMP_END}) {
      assertThat(r.recordCounts[tag]).as("tag 0x%02X", tag).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyRecordTypeHasEverySubRecordTagInItsFirstDump(int idSize) {
    RecordWalker r = new RecordWalker(Fixtures.everyRecordType(idSize).toByteArray());
    for (int tag : new int[] {Hprof.ROOT_UNKNOWN, Hprof.ROOT_JNI_GLOBAL, Hprof.ROOT_JNI_LOCAL, Hprof.ROOT_JAVA_FRAME,
        Hprof.ROOT_NATIVE_STACK, Hprof.ROOT_STICKY_CLASS, Hprof.ROOT_THREAD_BLOCK, Hprof.ROOT_MONITOR_USED,
        Hprof.ROOT_THREAD_OBJECT, Hprof.ROOT_INTERNED_STRING, Hprof.ROOT_FINALIZING, Hprof.ROOT_DEBUGGER,
        Hprof.ROOT_REFERENCE_CLEANUP, Hprof.ROOT_VM_INTERNAL, Hprof.ROOT_JNI_MONITOR, Hprof.ROOT_UNREACHABLE,
        Hprof.HEAP_DUMP_INFO, Hprof.CLASS_DUMP, Hprof.INSTANCE_DUMP, Hprof.OBJECT_ARRAY_DUMP,
        Hprof.PRIMITIVE_ARRAY_DUMP, Hprof.PRIMITIVE_ARRAY_NODATA}) {
      assertThat(r.subRecordCounts[tag]).as("sub-tag 0x%02X", tag).isPositive();
    }
    assertThat(r.dumps).hasSize(2);
    assertThat(r.dumps.get(0).segments).isEqualTo(2);
    assertThat(r.dumps.get(0).contents()).isEqualTo(Fixtures.EVERY_ROOT_HEAP);
    assertThat(r.dumps.get(1).contents()).isEqualTo(Fixtures.COMMON_HEAP);
  }

  @Test
  void everyRecordTypeEndsWithAWholeHeapDumpRecord() {
    HprofWriter w = Fixtures.everyRecordType(8);
    long last = w.recordOffsets().get(w.recordOffsets().size() - 1);
    assertThat(w.toByteArray()[(int) last]).isEqualTo((byte) Hprof.HEAP_DUMP);
  }

  @Test
  void androidIsVersion103WithFourByteIds() {
    HprofWriter w = Fixtures.android();
    assertThat(w.version()).isEqualTo(Hprof.VERSION_1_0_3);
    assertThat(w.idSize()).isEqualTo(4);
    RecordWalker r = new RecordWalker(w.toByteArray());
    assertThat(r.dumps).hasSize(1);
    assertThat(r.dumps.get(0).contents()).isEqualTo(Fixtures.ANDROID_HEAP);
    assertThat(r.subRecordCounts[Hprof.HEAP_DUMP_INFO]).isEqualTo(1);
    assertThat(r.subRecordCounts[Hprof.PRIMITIVE_ARRAY_NODATA]).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void twoHeapDumpsAreEachTwoSegmentsAndAnEnd(int idSize) {
    RecordWalker r = new RecordWalker(Fixtures.twoHeapDumps(idSize).toByteArray());
    assertThat(r.dumps).hasSize(2);
    assertThat(r.recordCounts[Hprof.HEAP_DUMP_END]).isEqualTo(2);
    assertThat(r.dumps).allSatisfy(d -> assertThat(d.segments).isEqualTo(2));
    assertThat(r.dumps.get(0).contents()).isEqualTo(Fixtures.COMMON_HEAP);
    assertThat(r.dumps.get(1).contents()).isEqualTo(Fixtures.SECOND_HEAP);
    assertThat(Fixtures.SECOND_HEAP.instances() - Fixtures.COMMON_HEAP.instances())
        .isEqualTo(Fixtures.FOOS_IN_SECOND_DUMP - Fixtures.FOOS);
  }
}
