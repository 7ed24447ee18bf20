package io.memdiff.hprof;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to the parser end in a result or an {@link HprofFormatException}: never another
 * exception, a hang or an allocation a length field asked for. In the regular build this replays the
 * inputs under {@code src/test/resources/io/memdiff/hprof/HprofFuzzTestInputs/}; with {@code -Pfuzz}
 * Jazzer mutates them, guided by coverage.
 */
class HprofFuzzTest {
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("memdiff-fuzz-", ".hprof");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void anyBytesParseOrFailWithAFormatError(byte[] data) throws IOException {
    Files.write(FILE, data);
    for (boolean lenient : new boolean[] {false, true}) {
      try (HprofFile file = HprofFile.open(FILE, null, 4096)) {
        ScanOptions options = new ScanOptions(0, lenient);
        DumpCatalog catalog = DumpCatalog.build(file, options, LayoutOverrides.NONE);
        HeapIndex index = HeapIndex.build(catalog, options);
        long[] sink = {0};
        for (int o = 0; o < index.objectCount(); o++) {
          sink[0] += index.shallowSize(o);
          index.forEachReference(o, (label, target) -> sink[0] += index.indexOf(target));
        }
        new InstanceFields(index).string(index.objectCount() > 0 ? 0 : -1);
      } catch (HprofFormatException expected) {
        // the one way a broken dump may end
      }
    }
  }
}
