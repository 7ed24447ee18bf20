package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memdiff.testdata.Fixtures;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** Broken files that start as a dump does: the early mapping changes nothing of what open reports. */
  @ParameterizedTest
  @ValueSource(strings = {"JAVA PROFILE ", "JAVA PROFILE 1.0.2", "JAVA PROFILE 1.0.2\0\0\0", "JAVA PROFILE 9.9\0xxxxxxxxxxxx"})
  void aBrokenDumpFailsAlikeMappedEarlyOrNot(String head) throws Exception {
    byte[] bytes = head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Path early = Files.write(dir.resolve("early.hprof"), bytes);
    Path late = Files.write(dir.resolve("late.hprof"), bytes);
    assertThat(HprofFile.mapEarly(early)).isTrue();
    HprofFormatException a = catchThrowableOfType(() -> HprofFile.open(early), HprofFormatException.class);
    HprofFormatException b = catchThrowableOfType(() -> HprofFile.open(late), HprofFormatException.class);
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(a.getMessage()).isEqualTo(b.getMessage());
    assertThat(a.offset()).isEqualTo(b.offset());
  }

  @Test
  void onlyAPlainDumpIsMappedEarly() throws Exception {
    Path gzip = Files.write(dir.resolve("d.hprof.gz"), new byte[] {0x1F, (byte) 0x8B, 8, 0});
    Path summary = Files.writeString(dir.resolve("s.json"), "{\"schemaVersion\": 1}");
    Path empty = Files.write(dir.resolve("empty.hprof"), new byte[0]);
    for (Path p : new Path[] {gzip, summary, empty, dir, dir.resolve("missing.hprof")}) {
      assertThat(HprofFile.mapEarly(p)).as(p.toString()).isFalse();
      assertThat(MappedFile.mappedEarly(p)).as(p.toString()).isFalse();
    }
  }

  @Test
  void aMissingFileIsLeftToOpenToReport() {
    Path f = dir.resolve("missing.hprof");
    MappedFile.mapEarly(f);
    assertThat(MappedFile.mappedEarly(f)).isFalse();
    assertThatThrownBy(() -> HprofFile.open(f)).isInstanceOf(NoSuchFileException.class);
  }
}
