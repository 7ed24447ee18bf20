package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading JFR recordings: files the JDK's own parser cannot finish end in one message, in time. */
class OldObjectSamplesTest {
  @TempDir Path dir;

  /**
   * Seventy bytes the fuzzer found on which the JDK's parser waits for ever: their chunk claims to be
   * longer than the file, as one still being written does. memdiff says so at once.
   */
  @Test
  void aRecordingWhoseChunkIsLongerThanTheFileIsTruncatedAtOnce() throws IOException {
    Path file = dir.resolve("endless.jfr");
    try (InputStream in = OldObjectSamplesTest.class.getResourceAsStream("endless.jfr")) {
      Files.copy(in, file);
    }
    // Only memdiff's reading is timed: the first assertion of a fresh JVM loads AssertJ, which on a
    // loaded machine takes a good part of the second this allows. A reading that waited for the JDK's
    // parser would take at least the second it is given (then with another message).
    IOException thrown = null;
    long start = System.nanoTime();
    try {
      OldObjectSamples.read(file, 1);
    } catch (IOException e) {
      thrown = e;
    }
    double seconds = (System.nanoTime() - start) / 1_000_000_000.0;
    assertThat(thrown).isNotNull().hasMessage(file + ": truncated JFR recording, 70 bytes (cut short when written?)");
    assertThat(seconds).isLessThan(1);
  }

  @Test
  void arrayClassNamesReadAsTheDumpNamesThem() {
    assertThat(OldObjectSamples.javaName("[B")).isEqualTo("byte[]");
    assertThat(OldObjectSamples.javaName("[[Ljava/util/HashMap$Node;")).isEqualTo("java.util.HashMap$Node[][]");
    assertThat(OldObjectSamples.javaName("java/lang/String")).isEqualTo("java.lang.String");
    assertThat(OldObjectSamples.javaName("com.acme.Order")).isEqualTo("com.acme.Order");
  }

  @Test
  void theRecordingBesideADumpIsFoundByItsName() throws IOException {
    Files.writeString(dir.resolve("3.jfr"), "x");
    assertThat(OldObjectSamples.besideDump(dir.resolve("3.hprof"))).isEqualTo(dir.resolve("3.jfr"));
    assertThat(OldObjectSamples.besideDump(dir.resolve("3.hprof.gz"))).isEqualTo(dir.resolve("3.jfr"));
    assertThat(OldObjectSamples.besideDump(dir.resolve("4.hprof"))).isNull();
    assertThat(OldObjectSamples.besideDump(dir.resolve("3.bin"))).isNull();
  }
}
