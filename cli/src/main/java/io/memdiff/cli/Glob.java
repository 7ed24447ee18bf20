package io.memdiff.cli;

import io.memdiff.diff.DiffOptions;
import java.util.List;
import java.util.regex.Pattern;

/** {@code --include}/{@code --exclude} patterns: {@code *} matches any run of characters, {@code ?} one. */
final class Glob {
  private final Pattern pattern;

  Glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      switch (ch) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    this.pattern = Pattern.compile(re.toString());
  }

  boolean matches(String s) {
    return pattern.matcher(s).matches();
  }

  /**
   * Accepts a site whose class or description matches one of the includes (or any, when there are
   * none) and whose class and description match none of the excludes.
   */
  static DiffOptions.Selection filter(List<String> includes, List<String> excludes) {
    List<Glob> in = includes == null ? List.of() : includes.stream().map(Glob::new).toList();
    List<Glob> out = excludes == null ? List.of() : excludes.stream().map(Glob::new).toList();
    return (cls, site) -> (in.isEmpty() || in.stream().anyMatch(g -> g.matches(cls) || g.matches(site)))
        && out.stream().noneMatch(g -> g.matches(cls) || g.matches(site));
  }
}
