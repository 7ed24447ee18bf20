package io.memdiff.cli;

import java.util.Locale;

/**
 * Object addresses on the command line and in output: {@code 0x7f3a10}. (Not in {@link Json}, whose
 * first use loads the JSON library, which text output need not wait for.)
 */
final class Addresses {
  private Addresses() {}

  static long parse(String text) {
    try {
      String t = text.trim().toLowerCase(Locale.ROOT);
      return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new UsageException("not an object address: '" + text + "' (expected hex like 0x7f3a10 or a decimal number)");
    }
  }

  static String hex(long address) {
    return "0x" + Long.toHexString(address);
  }
}
