package io.memdiff.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.memdiff.diff.OldObjectSamples;
import io.memdiff.hprof.HprofFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given as a site summary end in a summary or an {@link HprofFormatException} in
 * memdiff's words; any bytes given as a JFR recording end in samples or an IOException with
 * memdiff's message: never another exception, a hang or an allocation a length asked for. The
 * build replays the saved inputs; with {@code -Pfuzz} Jazzer mutates them.
 */
class SummaryFuzzTest {
  private static final Path FILE = FuzzScratch.file(".json");

  @FuzzTest
  void anyBytesReadAsASummaryOrFailInMemdiffsWords(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      SummaryFiles.read(FILE).sites().forEach(s -> s.allocationStacks().size());
    } catch (HprofFormatException expected) {
      if (expected.getMessage().contains("jackson") || expected.getMessage().contains("Feature")) {
        throw new AssertionError("the JSON library's words reached the user: " + expected.getMessage());
      }
    }
  }

  @FuzzTest
  void anyBytesReadAsARecordingOrFailInMemdiffsWords(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      OldObjectSamples.read(FILE).size();
    } catch (IOException expected) {
      if (!expected.getMessage().startsWith(FILE.toString() + ": ")) {
        throw new AssertionError("not memdiff's words: " + expected.getMessage());
      }
    }
  }
}
