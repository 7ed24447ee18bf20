package io.memdiff.testdata.scenarios;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** How scenarios dump themselves: by default a live dump (full GC first); the path is printed on stdout. */
final class Dumps {
  private Dumps() {}

  static Path dump(Path dir, String name) throws IOException {
    return dump(dir, name, true);
  }

  /** @param live run a full GC first (which clears weakly reachable objects) */
  static Path dump(Path dir, String name, boolean live) throws IOException {
    Path file = dir.resolve(name).toAbsolutePath();
    Files.deleteIfExists(file);
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), live);
    System.out.println(file);
    return file;
  }
}
