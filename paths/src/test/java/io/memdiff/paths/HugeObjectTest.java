package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Shallow sizes are kept in an int per object; an object of 2 GiB or more must keep its size whole. */
class HugeObjectTest {
  @TempDir Path dir;

  @Test
  void anArrayOfMoreThan2GiBKeepsItsSizeAndIsRetainedByItsHolder() throws Exception {
    long length = 400_000_000L; // long[400 M]: 3.2 GB (a NODATA record carries the length alone)
    HprofWriter w = new HprofWriter(8);
    long holderClass = 0x100;
    w.loadClass(1, holderClass, 1, w.string("Holder"));
    long holder = 0x1000;
    long array = 0x2000;
    w.segment(w.body()
        .classDump(holderClass, 0, 0, 8, new long[0][], new long[][] {{w.string("data"), Hprof.OBJECT}})
        .instance(holder, 1, holderClass, w.body().id(array))
        .primitiveArrayNoData(array, 1, length, Hprof.LONG)
        .rootJniGlobal(holder, 1));
    w.heapDumpEnd();
    try (HprofFile file = HprofFile.open(w.writeTo(dir.resolve("huge.hprof")))) {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis a = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, true, x -> {});
      int h = a.index().indexOf(holder);
      int arr = a.index().indexOf(array);
      long expected = a.index().shallowSize(arr);
      assertThat(expected).isGreaterThan(8 * length);
      assertThat(a.graph().shallowSize(arr)).isEqualTo(expected);
      assertThat(a.dominators().shallow(arr)).isEqualTo(expected);
      assertThat(a.dominators().retained(arr)).isEqualTo(expected);
      assertThat(a.dominators().retained(h)).isEqualTo(a.index().shallowSize(h) + expected);
      int[] group = new int[a.index().objectCount()];
      java.util.Arrays.fill(group, -1);
      group[arr] = 0;
      assertThat(a.dominators().retainedByGroup(group, 1)[0]).isEqualTo(expected);
    }
  }

  /**
   * Retained sizes are kept as unsigned ints of units (the 8-byte alignment) where they fit, and as
   * longs otherwise: two arrays of 16 GiB make their holder retain more than 2^31 units, three more
   * than 2^32.
   */
  @ParameterizedTest
  @CsvSource({"2, true", "3, false"})
  void retainedSizesPastAnIntOfUnitsStayWhole(int arrays, boolean inUnits) throws Exception {
    long length = Integer.MAX_VALUE - 8; // long[2^31 - 9], the longest a JVM makes: 16 GiB each
    HprofWriter w = new HprofWriter(8);
    long holderClass = 0x100;
    w.loadClass(1, holderClass, 1, w.string("Holder"));
    long holder = 0x1000;
    long[][] fields = new long[arrays][];
    HprofWriter.Bytes values = w.body();
    for (int k = 0; k < arrays; k++) {
      fields[k] = new long[] {w.string("data" + k), Hprof.OBJECT};
      values.id(0x2008 + 0x100L * k);
    }
    HprofWriter.Bytes heap = w.body().classDump(holderClass, 0, 0, 8 * arrays, new long[0][], fields)
        .instance(holder, 1, holderClass, values);
    for (int k = 0; k < arrays; k++) {
      heap.primitiveArrayNoData(0x2008 + 0x100L * k, 1, length, Hprof.LONG);
    }
    w.segment(heap.rootJniGlobal(holder, 1));
    w.heapDumpEnd();
    try (HprofFile file = HprofFile.open(w.writeTo(dir.resolve("huge.hprof")))) {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis a = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, true, x -> {});
      int h = a.index().indexOf(holder);
      long each = a.index().shallowSize(a.index().indexOf(0x2008));
      assertThat(each).isGreaterThan(8 * length);
      long expected = a.index().shallowSize(h) + arrays * each;
      int unit = a.index().shallowSizeUnit();
      assertThat(expected / unit).isGreaterThan(inUnits ? Integer.MAX_VALUE : 0xFFFF_FFFFL);
      assertThat(a.dominators().retainedInUnits()).isEqualTo(inUnits);
      assertThat(a.dominators().retained(h)).isEqualTo(expected);
      assertThat(a.dominators().retained(new int[] {h})).containsExactly(expected);
      // The class's mirror comes first in the search, so its size was in units when the holder's
      // turned out not to fit: it must be bytes again.
      int mirror = a.index().indexOf(holderClass);
      assertThat(a.index().shallowSize(mirror)).isPositive();
      assertThat(a.dominators().retained(mirror)).isEqualTo(a.index().shallowSize(mirror));
      int[] group = new int[a.index().objectCount()];
      java.util.Arrays.fill(group, -1);
      group[h] = 0;
      assertThat(a.dominators().retainedByGroup(group, 1)[0]).isEqualTo(expected);
    }
  }
}
