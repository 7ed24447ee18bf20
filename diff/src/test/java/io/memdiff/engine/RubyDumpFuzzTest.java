package io.memdiff.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given as a Ruby heap dump end in an index or an {@link HprofFormatException} in
 * memdiff's words, strict or lenient: never another exception, a hang or an allocation a line asked
 * for. Bytes that would not be taken for a Ruby dump get a root line in front, so every input
 * reaches the Ruby reader. The build replays the saved inputs; with {@code -Pfuzz} Jazzer mutates them.
 */
class RubyDumpFuzzTest {
  private static final byte[] ROOT_LINE =
      "{\"type\":\"ROOT\", \"root\":\"vm\", \"references\":[\"0x1000\"]}\n".getBytes(StandardCharsets.US_ASCII);
  private static final Path FILE = FuzzScratch.file(".json");

  @FuzzTest
  void anyBytesReadAsARubyDumpOrFailInMemdiffsWords(byte[] data) throws IOException {
    Files.write(FILE, data);
    if (!HprofFile.isRubyDump(FILE)) {
      byte[] prefixed = new byte[ROOT_LINE.length + data.length];
      System.arraycopy(ROOT_LINE, 0, prefixed, 0, ROOT_LINE.length);
      System.arraycopy(data, 0, prefixed, ROOT_LINE.length, data.length);
      Files.write(FILE, prefixed);
    }
    for (boolean lenient : new boolean[] {false, true}) {
      try (HprofFile file = HprofFile.open(FILE, null, 4096)) {
        ScanOptions options = new ScanOptions(0, lenient);
        HeapIndex index = HeapIndex.build(DumpCatalog.build(file, options, LayoutOverrides.NONE), options);
        long[] sink = {0};
        for (int o = 0; o < index.objectCount(); o++) {
          sink[0] += index.shallowSize(o);
          index.forEachReference(o, (label, target) -> sink[0] += index.indexOf(target));
        }
      } catch (HprofFormatException expected) {
        if (!FILE.equals(expected.file()) || librarysWords(expected.getMessage(), Files.readString(FILE,
            StandardCharsets.ISO_8859_1))) {
          throw new AssertionError("not memdiff's words about the dump: " + expected.getMessage());
        }
      }
    }
  }

  /** A word of the JSON library's messages that the dump's own text, which a message may quote, does not hold. */
  private static boolean librarysWords(String message, String dump) {
    for (String word : new String[] {"Exception", "jackson", "Feature"}) {
      if (message.contains(word) && !dump.contains(word)) {
        return true;
      }
    }
    return false;
  }
}
