package io.memdiff.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer's bytes against the format notes, byte for byte. */
class HprofWriterTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static byte[] after(HprofWriter w, long offset) {
    byte[] all = w.toByteArray();
    return java.util.Arrays.copyOfRange(all, (int) offset, all.length);
  }

  @Test
  void theHeaderIsTheNulTerminatedVersionThenIdSizeThenMillis() {
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_2, 8, 0x0000018B_CFE56800L);
    byte[] expected = ByteBuffer.allocate(31).put("JAVA PROFILE 1.0.2".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 0).putInt(8).putLong(0x0000018B_CFE56800L).array();
    assertThat(w.toByteArray()).isEqualTo(expected);
    assertThat(w.headerSize()).isEqualTo(31);
  }

  @Test
  void anAndroidHeaderHasFourByteIds() {
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_3, 4, 1);
    assertThat(w.toByteArray()).endsWith(hex("00 00000004 0000000000000001"));
  }

  @Test
  void aUtf8RecordIsTagZeroTimeLengthIdAndTextWithoutNul() {
    HprofWriter w = new HprofWriter(8);
    w.utf8(0x1122334455667788L, "ab");
    assertThat(after(w, 31)).isEqualTo(hex("01 00000000 0000000A 1122334455667788 6162"));
  }

  @Test
  void idsAreWrittenIdSizeWide() {
    HprofWriter w = new HprofWriter(4);
    w.loadClass(7, 0xCAFE, 1, 0xBEEF);
    assertThat(after(w, 31)).isEqualTo(hex("02 00000000 00000010 00000007 0000CAFE 00000001 0000BEEF"));
  }

  @Test
  void aRawRecordCanDeclareALengthThatLies() {
    HprofWriter w = new HprofWriter(8);
    w.rawRecord(0x42, 0xFFFF_FFF0, new byte[] {1, 2});
    assertThat(after(w, 31)).isEqualTo(hex("42 00000000 FFFFFFF0 0102"));
  }

  @Test
  void recordOffsetsPointAtEachTagAndChainByLength() {
    HprofWriter w = new HprofWriter(8);
    w.string("x");
    w.controlSettings(2, 4);
    w.beginSegment().rootStickyClass(0x100).end();
    w.beginHeapDump().rootMonitorUsed(0x200);
    w.endDump();
    w.heapDumpEnd();
    byte[] all = w.toByteArray();
    List<Long> offsets = w.recordOffsets();
    assertThat(offsets).hasSize(5).first().isEqualTo(31L);
    int[] tags = {Hprof.UTF8, Hprof.CONTROL_SETTINGS, Hprof.HEAP_DUMP_SEGMENT, Hprof.HEAP_DUMP, Hprof.HEAP_DUMP_END};
    ByteBuffer b = ByteBuffer.wrap(all);
    for (int i = 0; i < offsets.size(); i++) {
      int at = offsets.get(i).intValue();
      assertThat(all[at] & 0xFF).as("tag of record %d", i).isEqualTo(tags[i]);
      long next = at + Hprof.RECORD_HEADER_SIZE + (b.getInt(at + 5) & 0xFFFF_FFFFL);
      assertThat(next).isEqualTo(i + 1 < offsets.size() ? offsets.get(i + 1) : all.length);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void aSegmentsLengthIsTheSumOfItsSubRecords(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    w.beginSegment()
        .rootJniGlobal(0x10, 0x11) // 1 + 2 ids
        .rootJavaFrame(0x10, 1, -1) // 1 + id + 8
        .objectArray(0x20, 1, 0x30, 0x10, 0x11) // 1 + id + 4 + 4 + id + 2 ids
        .intArray(0x40, 1, 2, 3); // 1 + id + 4 + 4 + 1 + 12
    w.endSegment();
    int expected = (1 + 2 * idSize) + (1 + idSize + 8) + (1 + idSize + 8 + idSize + 2 * idSize) + (1 + idSize + 9 + 12);
    ByteBuffer b = ByteBuffer.wrap(w.toByteArray());
    assertThat(b.get(31)).isEqualTo((byte) Hprof.HEAP_DUMP_SEGMENT);
    assertThat(b.getInt(36)).isEqualTo(expected);
    assertThat(b.capacity()).isEqualTo(31 + 9 + expected);
  }

  @Test
  void aClassDumpFollowsTheFormatsFieldOrder() {
    HprofWriter w = new HprofWriter(4);
    byte[] body = w.body().classDump(0xC1, 0xC0, 6).loader(0xA1).signers(0xA2).protectionDomain(0xA3)
        .constant(3, Hprof.SHORT, 7).staticField(0x51, Hprof.OBJECT, 0x99).staticField(0x52, Hprof.INT, -1)
        .field(0x61, Hprof.INT).field(0x62, Hprof.SHORT).end().toByteArray();
    assertThat(body).isEqualTo(hex("20 000000C1 00000001 000000C0 000000A1 000000A2 000000A3 00000000 00000000"
        + " 00000006 0001 0003 09 0007 0002 00000051 02 00000099 00000052 0A FFFFFFFF 0002 00000061 0A 00000062 09"));
  }

  @Test
  void anInstanceDumpCountsItsValueBytes() {
    HprofWriter w = new HprofWriter(8);
    byte[] values = w.values().id(0x77).i4(5).u1(1).i8(-2).bytes();
    byte[] body = w.body().instance(0x10, 1, 0x20, values).toByteArray();
    assertThat(body).isEqualTo(hex("21 0000000000000010 00000001 0000000000000020 00000015"
        + " 0000000000000077 00000005 01 FFFFFFFFFFFFFFFE"));
  }

  @Test
  void typedArraysWriteLengthTypeAndBigEndianElements() {
    HprofWriter w = new HprofWriter(4);
    assertThat(w.body().byteArray(0x10, (byte) 'a', (byte) 'b').toByteArray()).isEqualTo(hex("23 00000010 00000001 00000002 08 61 62"));
    assertThat(w.body().intArray(0x10, 1, -2).toByteArray())
        .isEqualTo(hex("23 00000010 00000001 00000002 0A 00000001 FFFFFFFE"));
    assertThat(w.body().primitiveArrayNoData(0x10, 1, 1000, Hprof.LONG).toByteArray())
        .isEqualTo(hex("C3 00000010 00000001 000003E8 0B"));
  }

  @Test
  void androidRootsAndHeapInfoHaveTheirTags() {
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_3, 4, 0);
    byte[] body = w.body().heapDumpInfo(Hprof.HEAP_APP, 0x5).rootInternedString(1).rootFinalizing(1).rootDebugger(1)
        .rootReferenceCleanup(1).rootVmInternal(1).rootUnreachable(1).rootJniMonitor(1, 2, 3).toByteArray();
    assertThat(body).isEqualTo(hex("FE 00000041 00000005 89 00000001 8A 00000001 8B 00000001 8C 00000001"
        + " 8D 00000001 90 00000001 8E 00000001 00000002 00000003"));
  }

  @Test
  void aTopLevelRecordCannotBeWrittenInsideAnOpenHeapDump() {
    HprofWriter w = new HprofWriter(8);
    w.beginSegment();
    assertThatThrownBy(() -> w.string("x")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::endDump).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::toByteArray).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void allocSitesAndCpuSamplesHaveTheirDocumentedLengths() {
    HprofWriter w = new HprofWriter(8);
    w.allocSites(1, 0.5f, 1, 2, 3, 4, new HprofWriter.AllocSite(0, 1, 1, 10, 1, 20, 2),
        new HprofWriter.AllocSite(Hprof.INT, 2, 1, 10, 1, 20, 2));
    w.cpuSamples(9, new HprofWriter.CpuSample(9, 2));
    ByteBuffer b = ByteBuffer.wrap(w.toByteArray());
    List<Long> offsets = w.recordOffsets();
    assertThat(b.getInt(offsets.get(0).intValue() + 5)).isEqualTo(2 + 4 + 4 + 4 + 8 + 8 + 4 + 2 * 25);
    assertThat(b.getInt(offsets.get(0).intValue() + 9 + 2)).isEqualTo(Float.floatToIntBits(0.5f));
    assertThat(b.getInt(offsets.get(1).intValue() + 5)).isEqualTo(4 + 4 + 8);
  }
}
