package io.memdiff.cli;

import io.memdiff.engine.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
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
      description = "Where gzip dumps are inflated before mapping (default: the system temp dir); deleted on exit.")
  Path tmpDir;

  @Option(names = "--object-header", paramLabel = "BYTES",
      description = "Object header size for shallow sizes (default: inferred from the dump; 12 with compressed class pointers, 8 with compact headers).")
  Integer objectHeader;

  @Option(names = "--ref-size", paramLabel = "BYTES",
      description = "Reference size for shallow sizes (default: inferred; 4 with compressed oops, else 8).")
  Integer refSize;

  @Option(names = "--align", paramLabel = "BYTES",
      description = "Object alignment for shallow sizes (default: inferred from addresses, usually 8).")
  Integer align;

  /** For tests: map in small windows to cover reads across window edges. */
  int windowSize = ReadOptions.defaults().windowSize();

  /** The options as the engine takes them; a value out of range is a usage error. */
  ReadOptions readOptions() {
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
    if (tmpDir != null && !Files.isDirectory(tmpDir)) {
      throw new UsageException("--tmp-dir " + tmpDir + " is not a directory");
    }
    return new ReadOptions(dumpIndex, lenient, tmpDir, objectHeader, refSize, align, windowSize);
  }

  private static void check(String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new UsageException(name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
