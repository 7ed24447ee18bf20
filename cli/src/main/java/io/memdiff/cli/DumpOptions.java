package io.memdiff.cli;

import io.memdiff.engine.Engine;
import io.memdiff.engine.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to read a dump: shared by every command that opens one. */
final class DumpOptions {
  @Option(names = "--dump-index", paramLabel = "N", defaultValue = "0",
      description = "Which heap dump to read when a file holds several (hprof agent); 0 = the first (default).")
  int dumpIndex;

  @Option(names = "--lenient",
      description = "Read a truncated dump up to its last complete record and report the loss, instead of failing.")
  boolean lenient;

  @Option(names = "--tmp-dir", paramLabel = "DIR",
      description = "Where gzip dumps are inflated before mapping, and where the heap file of a dump too big for"
          + " --memory goes (default: the system temp dir, or /var/tmp when that is in memory); deleted on exit.")
  Path tmpDir;

  @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Memory the analysis may take (default: the Java heap, 70%% of the machine's memory with the"
          + " memdiff script). A dump expected to need more is analysed in a heap mapped from a file under"
          + " --tmp-dir, so that what RAM cannot hold goes to disk: slower, but it completes.")
  Long memory;

  @Option(names = "--object-header", paramLabel = "BYTES",
      description = "Object header size for shallow sizes (default: inferred from the dump; 12 with compressed class pointers, 8 with compact headers).")
  Integer objectHeader;

  @Option(names = "--ref-size", paramLabel = "BYTES",
      description = "Reference size for shallow sizes (default: inferred; 4 with compressed oops, else 8).")
  Integer refSize;

  @Option(names = "--align", paramLabel = "BYTES",
      description = "Object alignment for shallow sizes (default: inferred from addresses, usually 8).")
  Integer align;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the analysis (default: the cores this JVM is given). The output is the same for any N.")
  Integer threads;

  @Option(names = "--jfr", paramLabel = "FILE",
      description = "A JFR recording dumped right after a dump, for its allocation stacks; once per dump, in"
          + " the dumps' order (default: k.jfr beside k.hprof, where there is one).")
  List<Path> recordings;

  /** For tests: map in small windows to cover reads across window edges. */
  int windowSize = ReadOptions.defaults().windowSize();

  /**
   * The options as the engine takes them; a value out of range is a usage error.
   *
   * @param dumps how many dumps the command reads (each --jfr belongs to one)
   */
  ReadOptions readOptions(int dumps) {
    if (dumpIndex < 0) {
      throw new UsageException("--dump-index must be 0 or more, got " + dumpIndex);
    }
    check("--object-header", objectHeader, 4, 64);
    check("--ref-size", refSize, 4, 8);
    if (refSize != null && refSize != 4 && refSize != 8) {
      throw new UsageException("--ref-size must be 4 or 8, got " + refSize);
    }
    check("--align", align, 4, 256);
    if (align != null && Integer.bitCount(align) != 1) {
      throw new UsageException("--align must be a power of two, got " + align);
    }
    check("--threads", threads, 1, 4096);
    // Process-wide, like the machine's core count it stands in for.
    Engine.useThreads(threads == null ? 0 : threads);
    if (tmpDir != null && !Files.isDirectory(tmpDir)) {
      throw new UsageException("--tmp-dir " + tmpDir + " is not a directory");
    }
    List<Path> jfr = recordings == null ? List.of() : List.copyOf(recordings);
    if (!jfr.isEmpty() && jfr.size() != dumps) {
      throw new UsageException("--jfr given " + jfr.size() + " time(s) for " + dumps + " dump(s): give one per dump, in"
          + " their order");
    }
    for (Path r : jfr) {
      if (!Files.isRegularFile(r)) {
        throw new UsageException("--jfr " + r + ": no such file");
      }
    }
    return new ReadOptions(dumpIndex, lenient, tmpDir, objectHeader, refSize, align, windowSize, jfr);
  }

  private static void check(String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new UsageException(name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
