package io.memdiff.cli;

/**
 * Names taken from a dump (classes, fields, threads) are data and may hold anything: in text output
 * their control characters are shown escaped, so that one finding or row stays one line.
 */
final class Text {
  private Text() {}

  static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029' || c == '\u0085';
      if (control && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out != null) {
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (control) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
    }
    return out == null ? s : out.toString();
  }
}
