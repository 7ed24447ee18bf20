package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.testdata.Fixtures;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dump mapped ahead of its use is the mapping its open takes, unless the file changed since. */
class MapEarlyTest {
  @TempDir Path dir;

  @Test
  void openTakesTheEarlyMappingOnce() throws Exception {
    Path f = Fixtures.everyRecordType(8).writeTo(dir.resolve("a.hprof"));
    byte[] bytes = Files.readAllBytes(f);
    MappedFile.mapEarly(f);
    assertThat(MappedFile.mappedEarly(f)).isTrue();
    MappedFile m = MappedFile.open(f, MappedFile.DEFAULT_WINDOW_SIZE);
    assertThat(MappedFile.mappedEarly(f)).isFalse();
    assertThat(m.length()).isEqualTo(bytes.length);
    for (int i = 0; i < bytes.length; i++) {
      assertThat((byte) m.u1(i)).as("byte %d", i).isEqualTo(bytes[i]);
    }
    // And it parses as any other.
    try (HprofFile h = HprofFile.open(f)) {
      assertThat(h.idSize()).isPositive();
    }
  }

  @Test
  void aFileThatChangedLengthIsMappedAgain() throws Exception {
    Path f = Fixtures.everyRecordType(8).writeTo(dir.resolve("b.hprof"));
    byte[] bytes = Files.readAllBytes(f);
    MappedFile.mapEarly(f);
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 100);
    Files.write(f, longer);
    MappedFile m = MappedFile.open(f, MappedFile.DEFAULT_WINDOW_SIZE);
    assertThat(m.length()).isEqualTo(longer.length);
    assertThat(MappedFile.mappedEarly(f)).isFalse();
  }

  @Test
  void anotherWindowSizeMapsAgain() throws Exception {
    Path f = Fixtures.everyRecordType(8).writeTo(dir.resolve("c.hprof"));
    MappedFile.mapEarly(f);
    MappedFile m = MappedFile.open(f, 64);
    assertThat(m.u1(0)).isEqualTo('J');
    assertThat(MappedFile.mappedEarly(f)).isFalse();
  }

  @Test
  void aMissingFileIsLeftToOpenToReport() {
    Path f = dir.resolve("missing.hprof");
    MappedFile.mapEarly(f);
    assertThat(MappedFile.mappedEarly(f)).isFalse();
    assertThatThrownBy(() -> HprofFile.open(f)).isInstanceOf(NoSuchFileException.class);
  }
}
