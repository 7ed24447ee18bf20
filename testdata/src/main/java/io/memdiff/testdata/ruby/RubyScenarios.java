package io.memdiff.testdata.ruby;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scenarios.rb} (six memory behaviours of a Ruby service, allocation tracing on) with the
 * machine's {@code ruby}, which writes three {@code ObjectSpace.dump_all} dumps, and finds the lines
 * its {@code # site:} marks name; and {@code memory.rb}, a process whose RSS grows in or outside its
 * object heap, dumped with a process record beside each dump.
 */
public final class RubyScenarios {
  private static final String SCRIPT = "scenarios.rb";
  private static final String MEMORY_SCRIPT = "memory.rb";

  private RubyScenarios() {}

  /** Whether a {@code ruby} runs here. */
  public static boolean rubyAvailable() {
    try {
      Process p = new ProcessBuilder("ruby", "-e", "exit 0").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Copies the script into {@code dir}, runs it there and returns its three dumps, in order. */
  public static List<Path> writeDumps(Path dir) throws IOException, InterruptedException {
    Path script = script(dir);
    Process p = new ProcessBuilder("ruby", script.toString(), dir.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("ruby " + SCRIPT + " failed: " + output);
    }
    return List.of(dir.resolve("1.json"), dir.resolve("2.json"), dir.resolve("3.json"));
  }

  /**
   * Runs {@code memory.rb} in {@code mode} ({@code leak} or {@code malloc}) in {@code dir}, with
   * {@code MALLOC_ARENA_MAX} unset, and returns its three dumps, each with its process record beside it.
   */
  public static List<Path> writeMemoryDumps(Path dir, String mode) throws IOException, InterruptedException {
    Path script = copy(dir, MEMORY_SCRIPT);
    ProcessBuilder pb = new ProcessBuilder("ruby", script.toString(), dir.toString(), mode).redirectErrorStream(true);
    pb.environment().remove("MALLOC_ARENA_MAX");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("ruby " + MEMORY_SCRIPT + " " + mode + " failed: " + output);
    }
    return List.of(dir.resolve("1.dump"), dir.resolve("2.dump"), dir.resolve("3.dump"));
  }

  /** The lines of {@code memory.rb} that write a process record: the snippet docs/concepts.md gives. */
  public static List<String> procRecordSnippet() throws IOException {
    List<String> lines;
    try (InputStream in = RubyScenarios.class.getResourceAsStream(MEMORY_SCRIPT)) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip).toList();
    }
    int from = lines.indexOf("# proc record: the three lines of docs/concepts.md, \"Process memory of a Ruby program\"");
    int to = lines.indexOf("# end of the proc record");
    if (from < 0 || to < from) {
      throw new IllegalStateException(MEMORY_SCRIPT + " lost its proc record marks");
    }
    return lines.subList(from + 1, to);
  }

  /** The script as written into {@code dir}. */
  public static Path script(Path dir) throws IOException {
    return copy(dir, SCRIPT);
  }

  private static Path copy(Path dir, String name) throws IOException {
    Path script = dir.resolve(name);
    if (!Files.exists(script)) {
      try (InputStream in = RubyScenarios.class.getResourceAsStream(name)) {
        Files.copy(in, script);
      }
    }
    return script;
  }

  /** The 1-based line of the script marked {@code # site: mark}. */
  public static int lineOf(Path script, String mark) throws IOException {
    List<String> lines = Files.readAllLines(script);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).endsWith("# site: " + mark)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no line marked " + mark);
  }
}
