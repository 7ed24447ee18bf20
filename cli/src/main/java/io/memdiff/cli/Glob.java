package io.memdiff.cli;

import java.util.List;
import java.util.function.Predicate;
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

  /** Accepts what matches one of the includes (or anything, when there are none) and none of the excludes. */
  static Predicate<String> filter(List<String> includes, List<String> excludes) {
    List<Glob> in = includes == null ? List.of() : includes.stream().map(Glob::new).toList();
    List<Glob> out = excludes == null ? List.of() : excludes.stream().map(Glob::new).toList();
    return s -> (in.isEmpty() || in.stream().anyMatch(g -> g.matches(s))) && out.stream().noneMatch(g -> g.matches(s));
  }
}
