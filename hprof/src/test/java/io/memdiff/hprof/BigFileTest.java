package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump over 4 GiB, made as a sparse file (its huge arrays are zeros the file system never stores):
 * u4 lengths must be read unsigned, positions must be longs, and reads must cross 1 GiB windows.
 */
class BigFileTest {
  @TempDir Path dir;

  @Test
  void aDumpOverFourGibibytesIsReadThroughSeveralWindows() throws IOException {
    long elements = 300_000_000L; // 2.4 GB of long[] per segment
    HprofWriter head = new HprofWriter(8);
    head.loadClass(1, 0x100, 1, head.string("java/lang/Object"));
    byte[] header = head.toByteArray();
    Path f = dir.resolve("big.hprof");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write(header);
      long pos = header.length;
      for (int segment = 0; segment < 2; segment++) {
        long arrayRecord = 1 + 8 + 4 + 4 + 1 + elements * 8;
        raf.seek(pos);
        raf.write(0x1C);
        raf.writeInt(0);
        raf.writeInt((int) arrayRecord); // written as unsigned u4: over 2^31
        raf.write(0x23);
        raf.writeLong(0x1000 + segment * 0x10L);
        raf.writeInt(1);
        raf.writeInt((int) elements);
        raf.write(Hprof.LONG);
        pos += 9 + arrayRecord; // the elements stay a hole
      }
      raf.seek(pos);
      byte[] tail = new HprofWriter(8).segment(new HprofWriter(8).body().root(0x05, 0x1000)).heapDumpEnd().toByteArray();
      raf.write(tail, 31, tail.length - 31);
    }
    try (HprofFile file = HprofFile.open(f)) {
      assertThat(file.length()).isGreaterThan(4L << 30);
      DumpCatalog c = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      ClassInfo longs = c.primitiveArrayClass(BasicType.LONG);
      assertThat(c.countOf(longs.index())).isEqualTo(2);
      assertThat(c.shallowBytesOf(longs.index())).isEqualTo(2 * (16 + elements * 8));
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      assertThat(index.indexOf(0x1010)).isEqualTo(1);
      assertThat(index.recordOffset(1)).isGreaterThan(2L << 30);
      assertThat(index.arrayLength(1)).isEqualTo((int) elements);
    }
  }
}
