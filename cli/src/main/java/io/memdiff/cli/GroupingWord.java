package io.memdiff.cli;

import io.memdiff.diff.Grouping;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --by}'s levels in any case, and an error that lists them as help spells them (lowercase). */
final class GroupingWord implements ITypeConverter<Grouping> {
  @Override
  public Grouping convert(String word) {
    for (Grouping g : Grouping.values()) {
      if (g.label().equalsIgnoreCase(word)) {
        return g;
      }
    }
    String levels = Arrays.stream(Grouping.values()).map(Grouping::label).collect(Collectors.joining(", "));
    throw new TypeConversionException("expected one of " + levels + " but was '" + word + "'");
  }
}
