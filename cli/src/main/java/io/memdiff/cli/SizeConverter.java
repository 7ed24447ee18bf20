package io.memdiff.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A size option's value: bytes ({@code 1024}) or a number with a unit ({@code 10MB}, {@code 512KiB},
 * {@code 1.5GiB}), units in any case. kB, MB, GB and TB are powers of 1000 and KiB, MiB, GiB and TiB
 * powers of 1024, as IEC 80000-13 defines them, so {@code 10MB} means what a disk vendor and
 * {@code du --si} mean, and {@code 10MiB} what the JVM's {@code -Xmx10m} does.
 */
final class SizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([a-z]*)");
  private static final Map<String, Long> UNITS = Map.ofEntries(
      Map.entry("", 1L), Map.entry("b", 1L),
      Map.entry("k", 1000L), Map.entry("kb", 1000L), Map.entry("kib", 1L << 10),
      Map.entry("m", 1000_000L), Map.entry("mb", 1000_000L), Map.entry("mib", 1L << 20),
      Map.entry("g", 1000_000_000L), Map.entry("gb", 1000_000_000L), Map.entry("gib", 1L << 30),
      Map.entry("t", 1000_000_000_000L), Map.entry("tb", 1000_000_000_000L), Map.entry("tib", 1L << 40));

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  /** The bytes {@code value} names; a fraction of a byte rounds to the nearest whole one. */
  static long parse(String value) {
    Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
    Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
    if (unit == null) {
      throw new TypeConversionException("'" + value + "' is not a size: give bytes (1024) or a number and a unit"
          + " (10MB, 512KiB, 1.5GiB; kB, MB, GB, TB count in 1000s, KiB, MiB, GiB, TiB in 1024s)");
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.HALF_UP);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new TypeConversionException("'" + value + "' is more bytes than memdiff can count (at most "
          + Long.MAX_VALUE + ")");
    }
    return bytes.longValueExact();
  }
}
