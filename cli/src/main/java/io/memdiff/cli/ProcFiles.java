package io.memdiff.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process's memory as Linux's {@code /proc/PID} tells it: RSS and its parts, threads, whether
 * {@code MALLOC_ARENA_MAX} is set, which allocator is loaded. A file that cannot be read leaves its
 * figures null. Of the environment only that one variable is ever looked at: the rest may hold secrets.
 */
final class ProcFiles {
  static final String ARENA_VARIABLE = "MALLOC_ARENA_MAX";
  /** An environment is at most a few hundred kilobytes; past this the file is not one. */
  private static final int MAX_ENVIRON_BYTES = 8 << 20;

  private final Path dir;
  private final Map<String, Long> status;
  private final Map<String, Long> rollup;

  /** @param dir the process's directory: {@code /proc/PID} */
  ProcFiles(Path dir) {
    this.dir = dir;
    this.status = fields(dir.resolve("status"));
    this.rollup = fields(dir.resolve("smaps_rollup"));
  }

  static ProcFiles of(long pid) {
    return new ProcFiles(Path.of("/proc", Long.toString(pid)));
  }

  Long rssBytes() {
    return kib(status.get("VmRSS"), rollup.get("Rss"));
  }

  Long rssAnonBytes() {
    return kib(status.get("RssAnon"), rollup.get("Anonymous"));
  }

  Long rssFileBytes() {
    return kib(status.get("RssFile"), null);
  }

  Long rssShmemBytes() {
    return kib(status.get("RssShmem"), null);
  }

  Long pssBytes() {
    return kib(rollup.get("Pss"), null);
  }

  Integer threads() {
    Long t = status.get("Threads");
    return t == null ? null : t.intValue();
  }

  /**
   * Whether {@code MALLOC_ARENA_MAX} is in the environment the process started with; null when the
   * environment cannot be read.
   */
  Boolean arenaMaxSet() {
    byte[] env = environ();
    return env == null ? null : arenaValue(env) != null;
  }

  /** Its value when it is set and a number, else null. */
  Integer arenaMax() {
    byte[] env = environ();
    String v = env == null ? null : arenaValue(env);
    if (v == null || !v.matches("\\d{1,9}")) {
      return null;
    }
    return Integer.valueOf(v);
  }

  /** {@code jemalloc} or {@code tcmalloc} when the process maps its library, else {@code libc}; null when unreadable. */
  String allocator() {
    List<String> maps;
    try {
      maps = Files.readAllLines(dir.resolve("maps"), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    for (String line : maps) {
      int slash = line.lastIndexOf('/');
      String file = slash < 0 ? "" : line.substring(slash + 1);
      if (file.startsWith("libjemalloc")) {
        return "jemalloc";
      }
      if (file.startsWith("libtcmalloc")) {
        return "tcmalloc";
      }
    }
    return "libc";
  }

  private byte[] environ() {
    try (InputStream in = Files.newInputStream(dir.resolve("environ"))) {
      return in.readNBytes(MAX_ENVIRON_BYTES);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The value of the arena variable in NUL-separated {@code NAME=value} entries; other entries are skipped unread. */
  private static String arenaValue(byte[] env) {
    byte[] name = (ARENA_VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
    int start = 0;
    while (start < env.length) {
      int end = start;
      while (end < env.length && env[end] != 0) {
        end++;
      }
      if (end - start >= name.length && startsWith(env, start, name)) {
        return new String(env, start + name.length, end - start - name.length, StandardCharsets.US_ASCII).strip();
      }
      start = end + 1;
    }
    return null;
  }

  private static boolean startsWith(byte[] env, int at, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (env[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code Name:  123 kB} lines, as /proc writes them; the numbers only. */
  private static Map<String, Long> fields(Path file) {
    Map<String, Long> out = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return out;
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] value = line.substring(colon + 1).strip().split("\\s+");
      if (value.length >= 1 && value[0].matches("\\d{1,18}")) {
        out.put(line.substring(0, colon), Long.parseLong(value[0]));
      }
    }
    return out;
  }

  private static Long kib(Long value, Long fallback) {
    Long v = value != null ? value : fallback;
    return v == null ? null : v * 1024;
  }
}
