package io.memdiff.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration option's value in seconds: {@code 30}, {@code 30s}, {@code 1.5m}, {@code 2h}. */
final class DurationConverter implements ITypeConverter<Double> {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?) ?(s|m|min|h|d)?");

  @Override
  public Double convert(String value) {
    Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration: give seconds (30) or a number and a unit"
          + " (30s, 10m, 2h, 1d)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return n * switch (unit) {
      case "m", "min" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    };
  }
}
