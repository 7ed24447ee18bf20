package io.memdiff.cli;

import io.memdiff.engine.ProcessRecord;
import io.memdiff.engine.ProcessRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Take N heap dumps of a running JVM on this machine, some seconds apart, into DIR/1.hprof …"
          + " DIR/N.hprof, each with DIR/k.jfr beside it: a JFR recording (settings 'profile', which"
          + " samples old objects with their allocation stacks) started at the first dump and dumped"
          + " right after each heap dump. Then diff them: memdiff DIR/*.hprof.",
      "",
      "Beside each dump, DIR/k.proc.json records the process's memory right after it: RSS and its parts,"
          + " heap, metaspace, threads, buffer pools, Native Memory Tracking's categories when the JVM runs with"
          + " -XX:NativeMemoryTracking=summary, and whether MALLOC_ARENA_MAX is set and jemalloc or tcmalloc"
          + " loaded. The diff reads them to say whether the heap explains the growth of RSS.",
      "",
      "It runs what these do by hand (in a container, say): jcmd PID JFR.start name=memdiff"
          + " settings=profile; then N times: jcmd PID GC.heap_dump DIR/k.hprof; jcmd PID JFR.dump"
          + " name=memdiff filename=DIR/k.jfr; finally jcmd PID JFR.stop name=memdiff.",
      "",
      "Files are written under temporary names and renamed when complete, readable by their owner only"
          + " (dumps hold secrets)."
    },
    footer = {"", "Example:", "  memdiff capture 4711 --count 3 --interval 300 --out dumps/", "  memdiff dumps/*.hprof"})
final class CaptureCommand implements Callable<Integer> {
  /** The recording capture starts, and stops at the end, unless one of this name already runs. */
  static final String RECORDING = "memdiff";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PID", description = "The process id of the JVM to capture (see jcmd -l).")
  long pid;

  @Option(names = "--count", paramLabel = "N", defaultValue = "3",
      description = "How many dumps (default: ${DEFAULT-VALUE}; three tell a leak from a cache that filled up).")
  int count;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
      description = "Seconds from the start of one dump to the start of the next (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Where the dumps go; created (owner only) if missing, and must not hold dumps of these names.")
  Path out;

  @Option(names = "--gz", description = "Compressed dumps (DIR/k.hprof.gz), compressed as they are captured.")
  boolean gzip;

  @Option(names = "--no-jfr", description = "Heap dumps only, no recording (for a JVM without JFR).")
  boolean noJfr;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new UsageException("--count must be at least 1, got " + count);
    }
    if (interval < 0 || Double.isNaN(interval)) {
      throw new UsageException("--interval must not be negative");
    }
    Path dir = prepareDirectory();
    PrintWriter err = spec.commandLine().getErr();
    try (LiveJvm jvm = LiveJvm.attach(pid)) {
      boolean started = !noJfr && startRecording(jvm);
      try {
        if (!noJfr) {
          warmUp(jvm, dir);
        }
        long next = System.nanoTime();
        for (int k = 1; k <= count; k++) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          next = System.nanoTime() + (long) (interval * 1e9);
          captureOne(jvm, dir, k, err);
        }
      } finally {
        if (started) {
          try {
            jvm.run("jfrStop", "name=" + RECORDING);
          } catch (CaptureFailure e) {
            err.println("memdiff: warning: could not stop the recording " + RECORDING + " in PID " + pid + ": "
                + e.getMessage());
          }
        }
      }
    } catch (CaptureFailure e) {
      err.println("memdiff: " + e.getMessage());
      return e.exitCode();
    }
    return ExitCodes.OK;
  }

  private Path dumpName(int k) {
    return out.resolve(k + (gzip ? ".hprof.gz" : ".hprof"));
  }

  private Path recordingName(int k) {
    return out.resolve(k + ".jfr");
  }

  private Path processName(int k) {
    return out.resolve(k + ".proc.json");
  }

  /** The output directory, made owner-only if it is new; refuses one that holds files of the names to write. */
  private Path prepareDirectory() throws IOException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is not a directory");
    }
    if (!Files.exists(out)) {
      try {
        Files.createDirectories(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(out);
      }
    }
    removeDeadParts(out);
    for (int k = 1; k <= count; k++) {
      for (Path p : new Path[] {dumpName(k), recordingName(k), processName(k)}) {
        if (Files.exists(p)) {
          throw new UsageException("--out " + out + " already holds " + p.getFileName()
              + ": choose an empty directory, or move the earlier capture away");
        }
      }
    }
    return out.toAbsolutePath();
  }

  /** Starts the recording unless one of its name runs; returns whether this capture started it. */
  private boolean startRecording(LiveJvm jvm) throws CaptureFailure {
    String running;
    try {
      running = jvm.run("jfrCheck");
    } catch (CaptureFailure e) {
      throw new CaptureFailure("PID " + pid + " cannot record with JFR (" + e.getMessage()
          + "); capture heap dumps alone with --no-jfr", ExitCodes.USAGE);
    }
    if (running.contains("name=" + RECORDING + " ")) {
      return false;
    }
    String started = jvm.run("jfrStart", "name=" + RECORDING, "settings=profile");
    if (!started.contains("Started recording")) {
      throw new CaptureFailure("PID " + pid + " did not start a JFR recording (" + LiveJvm.oneLine(started)
          + "); capture heap dumps alone with --no-jfr", ExitCodes.USAGE);
    }
    return true;
  }

  /**
   * A recording's first dump loads classes and locale data into the target's heap; done once before
   * the first heap dump, that is in every dump instead of reading as growth between the first two.
   */
  private static void warmUp(LiveJvm jvm, Path dir) throws CaptureFailure, IOException {
    Path scratch = part(dir, dir.resolve("0.jfr"));
    try {
      jvm.run("jfrDump", "name=" + RECORDING, "filename=" + scratch);
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

  private void captureOne(LiveJvm jvm, Path dir, int k, PrintWriter err) throws CaptureFailure, IOException {
    long start = System.nanoTime();
    Path dump = dumpName(k).toAbsolutePath();
    Path dumpPart = part(dir, dump);
    Path rawPart = gzip ? part(dir, dir.resolve(k + ".hprof")) : dumpPart;
    String failed = jvm.heapDump(rawPart);
    if (failed != null || !Files.isRegularFile(rawPart)) {
      Files.deleteIfExists(rawPart);
      throw new CaptureFailure("cannot write " + dump + ": " + reason(failed), ExitCodes.WRITE);
    }
    if (gzip) {
      compress(rawPart, dumpPart, dump);
    }
    finish(dumpPart, dump);
    double seconds = (System.nanoTime() - start) / 1e9;
    String line = String.format(Locale.ROOT, "memdiff: capture %d of %d: %s (%.1f MB in %.1f s)", k, count, dump,
        Files.size(dump) / 1e6, seconds);
    if (!noJfr) {
      Path recording = recordingName(k).toAbsolutePath();
      Path recordingPart = part(dir, recording);
      String dumped = jvm.run("jfrDump", "name=" + RECORDING, "filename=" + recordingPart);
      if (!Files.isRegularFile(recordingPart)) {
        throw new CaptureFailure("cannot write " + recording + ": " + reason(dumped), ExitCodes.WRITE);
      }
      finish(recordingPart, recording);
      line += String.format(Locale.ROOT, ", %s (%.1f MB)", recording.getFileName(), Files.size(recording) / 1e6);
    }
    // After the recording, whose samples must be of the objects the dump holds; soon enough after the
    // dump's collection that the heap in use is about what the dump holds.
    Path process = processName(k).toAbsolutePath();
    writeRecord(dir, ProcessSnapshot.take(jvm, pid), process);
    line += ", " + process.getFileName();
    err.println(line);
    err.flush();
  }

  /** The temporary names {@link #part} gives: {@code .K.PID.partial.EXT}. */
  private static final Pattern PART = Pattern.compile("\\.\\d+\\.(\\d{1,18})\\.partial\\..+");

  /**
   * Removes the temporary files of captures whose process has ended: a capture killed outright
   * (SIGKILL, the OOM killer) cannot, and the JVM it attached to may finish a dump after it died.
   */
  private static void removeDeadParts(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = PART.matcher(f.getFileName().toString());
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /**
   * A temporary name beside the final one, with this process's id, ending as the final one does (the
   * JVM writes heap dumps only to names ending in .hprof, and never over a file).
   */
  private static Path part(Path dir, Path target) {
    String name = target.getFileName().toString();
    int dot = name.indexOf('.');
    Path p = dir.resolve("." + name.substring(0, dot) + "." + ProcessHandle.current().pid() + ".partial"
        + name.substring(dot));
    p.toFile().deleteOnExit();
    return p;
  }

  /** Owner-only, then renamed to its final name: a reader never finds half a dump there. */
  private static void finish(Path part, Path target) throws IOException {
    try {
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own defaults apply
    }
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      Files.move(part, target);
    }
  }

  /** Writes the process record under a temporary name, then renames it, as the dumps are. */
  private static void writeRecord(Path dir, ProcessRecord figures, Path target) throws CaptureFailure, IOException {
    Path part = part(dir, target);
    try (OutputStream o = Files.newOutputStream(Files.createFile(part,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))) {
      ProcessRecords.write(figures, o);
    } catch (IOException e) {
      Files.deleteIfExists(part);
      throw new CaptureFailure("cannot write " + target + ": " + reason(e.getMessage()), ExitCodes.WRITE);
    }
    finish(part, target);
  }

  /** Compresses the JVM's dump into the part of the final .gz name, then drops the uncompressed one. */
  private static void compress(Path raw, Path gzPart, Path target) throws CaptureFailure, IOException {
    try (var in = Files.newInputStream(raw);
        var gz = new GZIPOutputStream(Files.newOutputStream(gzPart), 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      in.transferTo(gz);
    } catch (IOException e) {
      Files.deleteIfExists(gzPart);
      throw new CaptureFailure("cannot write " + target + ": " + reason(e.getMessage()), ExitCodes.WRITE);
    } finally {
      Files.deleteIfExists(raw);
    }
  }

  private static String reason(String jvmSaid) {
    String s = LiveJvm.oneLine(jvmSaid);
    if (s.contains("No space left on device")) {
      return "no space left on device";
    }
    return s.isEmpty() ? "the JVM wrote nothing" : "the JVM said: " + s;
  }
}
