package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads through tiny windows, so that most multi-byte reads straddle a window edge, against a plain
 * big-endian {@link ByteBuffer} over the same bytes.
 *
 * <p>Every window is its own mapping, and Linux allows about 65,000 per process
 * ({@code vm.max_map_count}): 64-byte windows can map files up to about 4 MB, which is why the
 * whole-dump comparison uses small dumps.
 */
class MappedFileTest {
  @TempDir Path dir;

  /** Lengths on and around window multiples, so the last window is full, short by one, or one byte long. */
  static Stream<Arguments> windowsAndLengths() {
    return IntStream.of(16, 32, 64).boxed().flatMap(w ->
        IntStream.of(8 * w, 8 * w - 1, 8 * w + 1, 8 * w + 7, 8 * w + 9, 17).mapToObj(len -> Arguments.of(w, len)));
  }

  private Path randomFile(int length, long seed) throws IOException {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return Files.write(dir.resolve("random-" + length + ".bin"), bytes);
  }

  @ParameterizedTest(name = "window {0}, {1} bytes")
  @MethodSource("windowsAndLengths")
  void everyPrimitiveReadAgreesWithAByteBufferOverTheWholeFile(int window, int length) throws IOException {
    Path file = randomFile(length, 31L * window + length);
    ByteBuffer whole = ByteBuffer.wrap(Files.readAllBytes(file)); // big-endian by default
    MappedFile mapped = new MappedFile(file, window);
    assertThat(mapped.length()).isEqualTo(length);
    assertEveryReadAgrees(mapped, whole, length);
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {16, 64, 1 << 30})
  void afterReleasingItsPagesEveryReadMapsItsWindowAgainAndAgrees(int window) throws IOException {
    int length = 10 * Math.min(window, 64) + 5;
    Path file = randomFile(length, 97L * window);
    ByteBuffer whole = ByteBuffer.wrap(Files.readAllBytes(file));
    MappedFile mapped = new MappedFile(file, window);
    assertEveryReadAgrees(mapped, whole, length);
    mapped.releasePages();
    System.gc(); // let the dropped buffers be unmapped
    // Backwards, so windows are mapped again in another order than first.
    for (int pos = length - 8; pos >= 0; pos--) {
      assertThat(mapped.i8(pos)).as("i8 at %d", pos).isEqualTo(whole.getLong(pos));
    }
    mapped.releasePages();
    byte[] all = new byte[length];
    mapped.get(0, all, 0, length);
    assertThat(all).isEqualTo(whole.array());
    mapped.releasePages();
    assertEveryReadAgrees(mapped, whole, length);
  }

  @Test
  void aFileGoneAfterItsPagesWereReleasedGivesAClearError() throws IOException {
    Path file = randomFile(100, 5);
    MappedFile mapped = new MappedFile(file, 64);
    assertThat(mapped.i8(0)).isEqualTo(ByteBuffer.wrap(Files.readAllBytes(file)).getLong(0));
    mapped.releasePages();
    Files.delete(file);
    assertThatThrownBy(() -> mapped.u1(70)).isInstanceOf(java.io.UncheckedIOException.class)
        .cause().hasMessageStartingWith(file + ": could not be read again: ");
  }

  private static void assertEveryReadAgrees(MappedFile mapped, ByteBuffer whole, int length) {
    for (int pos = 0; pos < length; pos++) {
      assertThat(mapped.u1(pos)).as("u1 at %d", pos).isEqualTo(whole.get(pos) & 0xFF);
      if (pos + 2 <= length) {
        assertThat(mapped.u2(pos)).as("u2 at %d", pos).isEqualTo(whole.getShort(pos) & 0xFFFF);
      }
      if (pos + 4 <= length) {
        assertThat(mapped.i4(pos)).as("i4 at %d", pos).isEqualTo(whole.getInt(pos));
        assertThat(mapped.u4(pos)).as("u4 at %d", pos).isEqualTo(whole.getInt(pos) & 0xFFFF_FFFFL);
        assertThat(mapped.id(pos, 4)).as("4-byte id at %d", pos).isEqualTo(whole.getInt(pos) & 0xFFFF_FFFFL);
      }
      if (pos + 8 <= length) {
        assertThat(mapped.i8(pos)).as("i8 at %d", pos).isEqualTo(whole.getLong(pos));
        assertThat(mapped.id(pos, 8)).as("8-byte id at %d", pos).isEqualTo(whole.getLong(pos));
      }
    }
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {16, 32, 64})
  void bulkCopiesAcrossSeveralWindowEdgesMatchTheFileBytes(int window) throws IOException {
    int length = 10 * window + 5;
    Path file = randomFile(length, window);
    byte[] expected = Files.readAllBytes(file);
    MappedFile mapped = new MappedFile(file, window);
    for (int from : new int[] {0, 1, window - 1, window, window + 1, 3 * window - 3}) {
      for (int len : new int[] {0, 1, 7, window, window + 1, 3 * window + 2, length - from}) {
        if (from + len > length) {
          continue;
        }
        byte[] got = new byte[len + 2];
        mapped.get(from, got, 1, len);
        assertThat(Arrays.copyOfRange(got, 1, len + 1)).as("%d bytes from %d", len, from)
            .isEqualTo(Arrays.copyOfRange(expected, from, from + len));
        assertThat(got[0]).as("byte before the copy").isZero();
        assertThat(got[len + 1]).as("byte after the copy").isZero();
      }
    }
  }

  /** A copy past the end once spun forever in the last window: the timeout turns a hang into a failure. */
  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {16, 64})
  @Timeout(10)
  void readsThatRunPastTheEndOfTheFileFail(int window) throws IOException {
    int length = 4 * window + 3;
    MappedFile mapped = new MappedFile(randomFile(length, 7), window);
    assertThatThrownBy(() -> mapped.u1(length)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> mapped.u2(length - 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> mapped.i4(length - 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> mapped.i8(length - 7)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> mapped.get(length - 2, new byte[3], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void anEmptyFileHasNoWindowsAndLengthZero() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.bin"));
    MappedFile mapped = new MappedFile(empty, 16);
    assertThat(mapped.length()).isZero();
    assertThatThrownBy(() -> mapped.u1(0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8, 15, 24, 48, -16})
  void windowSizesThatAreNotPowersOfTwoOfAtLeastSixteenAreRejected(int window) throws IOException {
    Path file = randomFile(64, 1);
    assertThatThrownBy(() -> new MappedFile(file, window)).isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> smallDumps() {
    Path mat = CorpusTest.MAT;
    Path slurp = CorpusTest.SLURP;
    return Stream.of(
        Arguments.of("writer fixture, 8-byte ids", null),
        Arguments.of("hprof-32.bin (agent, 4-byte ids)", slurp.resolve("hprof-32.bin")),
        Arguments.of("sun_jdk6_30 compressed oops", mat.resolve("sun_jdk6_30_x64_compressedOops.hprof")),
        Arguments.of("oracle_jdk7_21_hprofagent (two dumps)", mat.resolve("oracle_jdk7_21_hprofagent.hprof")));
  }

  /** The same dump read through 64-byte windows and through the default window gives the same catalog. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smallDumps")
  void aCatalogBuiltThroughSixtyFourByteWindowsEqualsTheDefaultOne(String name, Path dump) throws IOException {
    if (dump == null) {
      dump = Fixtures.everyRecordType(8).writeTo(dir.resolve("every-record-type.hprof"));
    }
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    DumpCatalog wide = catalog(dump, MappedFile.DEFAULT_WINDOW_SIZE);
    DumpCatalog tiny = catalog(dump, 64);
    assertThat(tiny.classCount()).isEqualTo(wide.classCount());
    assertThat(tiny.objects()).isEqualTo(wide.objects()).isPositive();
    assertThat(tiny.roots().size()).isEqualTo(wide.roots().size());
    assertThat(tiny.layout()).isEqualTo(wide.layout());
    assertThat(tiny.scan().recordCounts()).isEqualTo(wide.scan().recordCounts());
    assertThat(tiny.scan().subRecordCounts()).isEqualTo(wide.scan().subRecordCounts());
    for (int i = 0; i < wide.classCount(); i++) {
      assertThat(tiny.classAt(i).name()).isEqualTo(wide.classAt(i).name());
      assertThat(tiny.countOf(i)).as(wide.classAt(i).name()).isEqualTo(wide.countOf(i));
      assertThat(tiny.shallowBytesOf(i)).as(wide.classAt(i).name()).isEqualTo(wide.shallowBytesOf(i));
    }
    // The object index reads every record again, field values and array elements included.
    assertThat(referenceChecksum(tiny)).isEqualTo(referenceChecksum(wide));
  }

  private static DumpCatalog catalog(Path dump, int window) throws IOException {
    HprofFile f = HprofFile.open(dump, null, window);
    return DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
  }

  /** Every object's address, class and outbound references folded into one number. */
  private static long referenceChecksum(DumpCatalog catalog) throws HprofFormatException {
    HeapIndex index = HeapIndex.build(catalog, ScanOptions.STRICT);
    long[] sum = {index.objectCount()};
    for (int o = 0; o < index.objectCount(); o++) {
      sum[0] = sum[0] * 31 + index.address(o) + index.classIndexOf(o);
      index.forEachReference(o, (label, target) -> sum[0] = sum[0] * 31 + label * 17L + target);
    }
    return sum[0];
  }
}
