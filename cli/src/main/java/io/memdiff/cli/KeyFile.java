package io.memdiff.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A file of keys the diff is given ({@code --ignore}, {@code --baseline}): one per line, blank lines
 * and {@code #} comments skipped. A file that is missing or unreadable is bad usage, not a bad dump.
 */
final class KeyFile {
  private KeyFile() {}

  /** The file's keys in file order, so that what is reported of them follows the file. */
  static Set<String> read(String option, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(option + " " + file + ": no such file");
    }
    Set<String> keys = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          keys.add(t);
        }
      }
    } catch (NoSuchFileException e) {
      throw new UsageException(option + " " + file + ": no such file");
    } catch (IOException e) {
      throw new UsageException(option + " " + file + ": cannot read it: " + reason(e));
    }
    return keys;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
