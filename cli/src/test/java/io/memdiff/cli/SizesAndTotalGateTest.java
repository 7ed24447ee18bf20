package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes with units on every size option, and the gate on the heap's total growth, on {@link GoldenDumps}. */
class SizesAndTotalGateTest {
  @TempDir static Path dir;
  static String[] dumps;

  @BeforeAll
  static void write() throws IOException {
    dumps = GoldenDumps.writeSeries(dir);
  }

  static String[] args(String... extra) {
    String[] a = Arrays.copyOf(dumps, dumps.length + extra.length);
    System.arraycopy(extra, 0, a, dumps.length, extra.length);
    return a;
  }

  @ParameterizedTest
  @CsvSource({"1024, 1024", "0, 0", "10MB, 10000000", "10mb, 10000000", "10 MB, 10000000", "512KiB, 524288",
      "512kib, 524288", "1.5GiB, 1610612736", "2kB, 2000", "3k, 3000", "1TiB, 1099511627776", "7B, 7", "0.5KiB, 512"})
  void aSizeIsBytesOrANumberWithADecimalOrBinaryUnit(String text, long bytes) {
    assertThat(SizeConverter.parse(text)).isEqualTo(bytes);
  }

  @Test
  void theTotalGateExitsOneFromTheHeapsGrowthOn() throws IOException {
    JsonNode heap = Json.MAPPER.readTree(Cli.run(args("--format", "json")).out());
    long[] bytes = new long[3];
    for (int i = 0; i < 3; i++) {
      bytes[i] = heap.get("dumps").get(i).get("bytes").asLong();
    }
    long growth = Math.min(bytes[1], bytes[2]) - bytes[0]; // min(B, C) - A, as findings are diffed
    assertThat(heap.get("heap").get("growth_bytes").asLong()).isEqualTo(growth);

    assertThat(Cli.run(args("--fail-on-total-growth", Long.toString(growth + 1))).exitCode()).isZero();
    Cli at = Cli.run(args("--fail-on-total-growth", Long.toString(growth)));
    assertThat(at.exitCode()).isEqualTo(1);
    assertThat(at.errLines()).containsExactly("memdiff: threshold crossed: heap growth " + growth + " bytes >= " + growth);
    // 5 KiB = 5120 is below the growth of 5408 bytes, 5.5 KiB = 5632 above it.
    assertThat(Cli.run(args("--fail-on-total-growth", "5KiB")).exitCode()).isEqualTo(1);
    assertThat(Cli.run(args("--fail-on-total-growth", "5.5kib")).exitCode()).isZero();
  }

  @Test
  void sizeOptionsTakeUnits() {
    // The sessions' finding grew by 2080 bytes: 2kB lets it through, 2.1kB (2100) and 2.1KiB (2150) not.
    assertThat(Cli.run(args("--min-bytes", "2kB", "--no-paths")).out()).contains("com.acme.Session");
    assertThat(Cli.run(args("--min-bytes", "2.1kB", "--no-paths")).out()).doesNotContain("com.acme.Session");
    assertThat(Cli.run(args("--fail-on-growth", "2KiB")).exitCode()).isEqualTo(1);
    assertThat(Cli.run(args("--fail-on-growth", "2.1KiB")).exitCode()).isZero();
  }

  @Test
  void aSizeThatIsNoSizeIsAUsageError() {
    for (String bad : List.of("10XB", "-5", "1e3", "ten", "", "5 K B")) {
      Cli r = Cli.run(args("--min-bytes", bad));
      assertThat(r.exitCode()).as(bad).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).as(bad).contains("is not a size: give bytes (1024) or a number and a unit");
    }
    Cli r = Cli.run(args("--fail-on-total-growth", "99999999999TB"));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("more bytes than memdiff can count");
  }
}
