package io.memdiff.cli;

/** Parses object addresses given on the command line: {@code 0x7f3a10}, or decimal. */
final class Addresses {
  private Addresses() {}

  static long parse(String text) {
    try {
      String t = text.trim().toLowerCase(java.util.Locale.ROOT);
      return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new UsageException("not an object address: '" + text + "' (expected hex like 0x7f3a10 or a decimal number)");
    }
  }
}
