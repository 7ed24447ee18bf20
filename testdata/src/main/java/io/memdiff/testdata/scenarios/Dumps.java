package io.memdiff.testdata.scenarios;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** How scenarios dump themselves: a live dump (full GC first), its path printed on stdout. */
final class Dumps {
  private Dumps() {}

  static Path dump(Path dir, String name) throws IOException {
    Path file = dir.resolve(name).toAbsolutePath();
    Files.deleteIfExists(file);
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
    System.out.println(file);
    return file;
  }
}
