package io.memdiff.hprof;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap dumps of the test JVM itself: real HotSpot output for the running JDK, written on demand. */
final class SelfDump {
  private SelfDump() {}

  /**
   * Dumps the live heap (after a full GC) to {@code dir/name}; HotSpot refuses a file that exists, and
   * the name must end in {@code .hprof}.
   */
  static Path write(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    if (!name.endsWith(".hprof") || Files.exists(file)) {
      throw new IllegalArgumentException("dump file must end in .hprof and not exist yet: " + file);
    }
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
    return file;
  }
}
