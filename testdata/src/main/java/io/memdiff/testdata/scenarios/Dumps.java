package io.memdiff.testdata.scenarios;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * How scenarios dump themselves: by default a live dump (full GC first) through HotSpotDiagnosticMXBean;
 * with {@code -D}{@value #HOW}{@code =jcmd-parallel}, by the JDK's own {@code jcmd PID GC.heap_dump
 * -parallel=2}, which writes the dump in segments from two threads (JDK 21+). The path is printed on
 * stdout.
 */
final class Dumps {
  /** The system property that chooses how to dump. */
  static final String HOW = "memdiff.scenario.dump";

  private Dumps() {}

  static Path dump(Path dir, String name) throws IOException {
    return dump(dir, name, true);
  }

  /** @param live run a full GC first (which clears weakly reachable objects) */
  static Path dump(Path dir, String name, boolean live) throws IOException {
    Path file = dir.resolve(name).toAbsolutePath();
    Files.deleteIfExists(file);
    if ("jcmd-parallel".equals(System.getProperty(HOW))) {
      jcmd(file, live);
    } else {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), live);
    }
    System.out.println(file);
    return file;
  }

  private static void jcmd(Path file, boolean live) throws IOException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    ProcessBuilder pb = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()),
        "GC.heap_dump", live ? "" : "-all", "-parallel=2", file.toString());
    pb.command().removeIf(String::isEmpty);
    Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(file)) {
        throw new IOException("jcmd GC.heap_dump -parallel=2 did not write " + file);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while dumping " + file, e);
    }
  }
}
