package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memdiff.testdata.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opening a file: the header is checked before anything trusts it, and gzip input is inflated to a
 * temporary file that never outlives the {@link HprofFile}. Every refusal is an
 * {@link HprofFormatException} that names the file and an offset inside it.
 */
class HprofFileTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  /** Where gzip input is inflated, so the test can see the temporary file come and go. */
  @TempDir Path inflateDir;

  static Path realDump;
  static byte[] realGzip;

  @BeforeAll
  static void dumpThisJvmAndGzipIt() throws IOException {
    realDump = SelfDump.write(shared, "self.hprof");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
      Files.copy(realDump, gz);
    }
    realGzip = bytes.toByteArray();
  }

  /** A complete 1.0.2 header with 8-byte ids: 19 bytes of version and NUL, u4 id size, u8 time. */
  static byte[] header() {
    return Arrays.copyOf(Fixtures.minimal(8).toByteArray(), 31);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private HprofFormatException refusal(Path file) {
    HprofFormatException e =
        catchThrowableOfType(() -> HprofFile.open(file, inflateDir, 1 << 20).close(), HprofFormatException.class);
    assertThat(e).as("opening %s must fail with HprofFormatException", file.getFileName()).isNotNull();
    assertThat(e.file()).isEqualTo(file);
    if (!(e instanceof EmptyFileException)) {
      assertThat(e.getMessage()).contains("at offset 0x" + Long.toHexString(e.offset()));
    }
    return e;
  }

  private void assertNothingLeftInflated() throws IOException {
    try (Stream<Path> left = Files.list(inflateDir)) {
      assertThat(left).as("temporary files after a failed open").isEmpty();
    }
  }

  @Test
  void anEmptyFileIsRefusedAsEmptyWithNoOffsetToPointAt() throws IOException {
    HprofFormatException e = refusal(write("empty.hprof", new byte[0]));
    assertThat(e).isInstanceOf(EmptyFileException.class);
    assertThat(e.getMessage()).isEqualTo("empty (0 bytes): nothing to read");
  }

  static IntStream seeds() {
    return IntStream.range(0, 40);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void randomBytesAreRefusedWithAnOffsetInsideTheFile(int seed) throws IOException {
    Random random = new Random(seed);
    byte[] bytes = new byte[1 + random.nextInt(4096)];
    random.nextBytes(bytes);
    Path file = write("random.bin", bytes);
    HprofFormatException e = refusal(file);
    assertThat(e.offset()).isBetween(0L, (long) bytes.length);
    assertNothingLeftInflated();
  }

  @Test
  void anUnknownVersionIsRefusedAndNamed() throws IOException {
    byte[] h = header();
    byte[] v = "JAVA PROFILE 9.9\0".getBytes(StandardCharsets.ISO_8859_1);
    byte[] file = new byte[v.length + 12];
    System.arraycopy(v, 0, file, 0, v.length);
    System.arraycopy(h, 19, file, v.length, 12); // the id size and time of a valid header
    HprofFormatException e = refusal(write("v99.hprof", file));
    assertThat(e.offset()).isZero();
    assertThat(e.problem()).contains("unsupported HPROF version", "JAVA PROFILE 9.9");
  }

  @Test
  void aVersionStringWithoutItsNulIsRefused() throws IOException {
    HprofFormatException e = refusal(write("nonul.hprof", "JAVA PROFILE 9.9".getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(e.offset()).isBetween(0L, 16L);
  }

  /** Every proper prefix of a valid header. */
  @ParameterizedTest
  @MethodSource("headerCuts")
  void aHeaderCutShortIsRefusedAtOrBeforeTheCut(int cut) throws IOException {
    HprofFormatException e = refusal(write("cut.hprof", Arrays.copyOf(header(), cut)));
    assertThat(e.offset()).isBetween(0L, (long) cut);
    if (cut > "JAVA PROFILE 1.0.2".length()) {
      // Past the version string the file is recognisably HPROF: the problem is the truncation.
      assertThat(e.problem()).contains("truncated");
    }
  }

  static IntStream headerCuts() {
    return IntStream.range(1, 31);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 5, 16, -1})
  void anIdSizeOtherThanFourOrEightIsRefusedAtItsOffset(int idSize) throws IOException {
    byte[] h = header();
    h[19] = (byte) (idSize >>> 24);
    h[20] = (byte) (idSize >>> 16);
    h[21] = (byte) (idSize >>> 8);
    h[22] = (byte) idSize;
    HprofFormatException e = refusal(write("idsize.hprof", h));
    assertThat(e.offset()).isEqualTo(19);
    assertThat(e.problem()).contains("identifier size " + idSize);
  }

  @Test
  void aHeaderAloneOpensAndIsReadAsWritten() throws IOException {
    byte[] h = header();
    try (HprofFile f = HprofFile.open(write("header.hprof", h))) {
      assertThat(f.version()).isEqualTo("JAVA PROFILE 1.0.2");
      assertThat(f.idSize()).isEqualTo(8);
      assertThat(f.firstRecordOffset()).isEqualTo(31);
      assertThat(f.length()).isEqualTo(31);
      assertThat(f.timestampMillis()).isEqualTo(java.nio.ByteBuffer.wrap(h, 23, 8).getLong());
      assertThat(f.wasCompressed()).isFalse();
    }
  }

  @Test
  void aDirectoryIsRefusedAndAMissingFileIsNotFound() throws IOException {
    HprofFormatException e = refusal(Files.createDirectory(dir.resolve("adir.hprof")));
    assertThat(e.offset()).isZero();
    assertThatThrownBy(() -> HprofFile.open(dir.resolve("missing.hprof"))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aGzippedRealDumpReadsLikeTheDumpAndItsTemporaryFileHasNoNameWhileOpen() throws IOException {
    Path gz = write("self.hprof.gz", realGzip);
    DumpCatalog plain;
    try (HprofFile f = HprofFile.open(realDump)) {
      plain = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
    }
    HprofFile f = HprofFile.open(gz, inflateDir, MappedFile.DEFAULT_WINDOW_SIZE);
    try (Stream<Path> inflated = Files.list(inflateDir)) {
      // Deleted as soon as it was open: a killed process leaves nothing behind.
      assertThat(inflated).as("the inflated copy while open").isEmpty();
    }
    try {
      assertThat(f.wasCompressed()).isTrue();
      assertThat(f.path()).isEqualTo(gz);
      assertThat(f.length()).isEqualTo(Files.size(realDump));
      assertSameCatalog(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), plain);
    } finally {
      f.close();
    }
    assertNothingLeftInflated();
  }

  /** {@code jcmd GC.heap_dump -gz} writes independent gzip members of at most 1 MiB uncompressed. */
  @Test
  void aDumpGzippedInOneMegabyteMembersReadsLikeTheDump() throws IOException {
    byte[] dump = Files.readAllBytes(realDump);
    ByteArrayOutputStream members = new ByteArrayOutputStream();
    int count = 0;
    for (int from = 0; from < dump.length; from += 1 << 20, count++) {
      try (OutputStream gz = new GZIPOutputStream(members) {
            @Override
            public void close() throws IOException {
              finish(); // end the member without closing the shared stream
            }
          }) {
        gz.write(dump, from, Math.min(1 << 20, dump.length - from));
      }
    }
    assertThat(count).as("members").isGreaterThan(1);
    DumpCatalog plain;
    try (HprofFile f = HprofFile.open(realDump)) {
      plain = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
    }
    try (HprofFile f = HprofFile.open(write("members.hprof.gz", members.toByteArray()), inflateDir, 1 << 20)) {
      assertThat(f.length()).isEqualTo(dump.length);
      assertSameCatalog(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), plain);
    }
    assertNothingLeftInflated();
  }

  private static void assertSameCatalog(DumpCatalog actual, DumpCatalog expected) {
    assertThat(actual.objects()).isEqualTo(expected.objects());
    assertThat(actual.classCount()).isEqualTo(expected.classCount());
    assertThat(actual.roots().size()).isEqualTo(expected.roots().size());
    for (int i = 0; i < expected.classCount(); i++) {
      assertThat(actual.countOf(i)).as(expected.classAt(i).name()).isEqualTo(expected.countOf(i));
    }
  }

  /** Cuts inside the gzip header, the deflate stream and the trailer. */
  @ParameterizedTest
  @ValueSource(ints = {2, 5, 10, 1000, -9, -4, -1})
  void aTruncatedGzipIsRefusedAtTheCompressedOffsetAndLeavesNoTemporaryFile(int cut) throws IOException {
    int length = cut > 0 ? cut : realGzip.length + cut;
    if (cut == 1000) {
      length = realGzip.length / 2;
    }
    Path gz = write("cut.hprof.gz", Arrays.copyOf(realGzip, length));
    HprofFormatException e = refusal(gz);
    assertThat(e.offset()).isBetween(0L, (long) length);
    assertThat(e.problem()).contains("truncated gzip");
    assertNothingLeftInflated();
  }

  @Test
  void aGzipWithABadChecksumIsRefusedAndLeavesNoTemporaryFile() throws IOException {
    byte[] bad = realGzip.clone();
    bad[bad.length - 8] ^= 0x01; // the trailer's CRC-32
    HprofFormatException e = refusal(write("crc.hprof.gz", bad));
    assertThat(e.problem()).contains("corrupt gzip");
    assertNothingLeftInflated();
  }

  @Test
  void aGzippedFileThatIsNotHprofIsRefusedAndLeavesNoTemporaryFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("PK this is not a heap dump".getBytes(StandardCharsets.ISO_8859_1));
    }
    HprofFormatException e = refusal(write("text.gz", bytes.toByteArray()));
    assertThat(e.problem()).contains("not an HPROF heap dump");
    assertNothingLeftInflated();
  }
}
