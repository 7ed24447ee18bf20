package io.memdiff.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.memdiff.engine.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where an analysis's arrays live. In this JVM's heap when the dumps it analyses at once are expected
 * to fit the memory budget ({@code --memory}, by default the heap this JVM was given); otherwise the
 * same command line runs in a second JVM whose heap the kernel maps from a file under
 * {@code --tmp-dir} ({@code -XX:AllocateHeapAt}). Its pages are then file pages, which the kernel
 * writes to that file and drops when memory runs short, so a dump whose arrays outgrow the machine's
 * memory is analysed more slowly instead of running out of it. Every array of the analysis goes there
 * without a line of it knowing, which keeps the in-memory analysis as fast as it was and its output
 * the same. The JVM creates the file, reserves its disk space and deletes its name before the heap is
 * used, so no end of either process, a kill included, leaves it behind.
 */
final class HeapPlacement {
  /**
   * Set in the second JVM, which runs the command itself; {@code -Dmemdiff.heapPlaced=here} keeps any
   * analysis in the JVM it starts in, whatever its heap (tests of a small heap's errors set it).
   */
  static final String PLACED = "memdiff.heapPlaced";

  private static final long GB = 1L << 30;
  private static final long MIN_MEMORY = 1L << 20;
  /** Disk left free beside a heap file (or a twentieth of the disk's room, if more), for what else the machine writes. */
  private static final long DISK_MARGIN = 2 * GB;

  enum Where {
    /** In this JVM's heap. */
    HERE,
    /** In a second JVM with a larger heap, which {@code --memory} allows. */
    LARGER_HEAP,
    /** In a second JVM whose heap is mapped from a file. */
    FILE
  }

  /**
   * @param need heap the analysis is expected to take
   * @param heapBytes the second JVM's maximum heap (0 for {@link Where#HERE})
   */
  record Plan(Where where, long need, long heapBytes) {}

  private HeapPlacement() {}

  /**
   * Where an analysis expected to take {@code need} bytes of heap runs.
   *
   * @param budget what {@code --memory} allows
   * @param thisHeap this JVM's maximum heap
   * @param fileRoom free disk where a heap file would go
   */
  static Plan plan(long need, long budget, long thisHeap, long fileRoom) {
    if (need <= Math.min(budget, thisHeap)) {
      return new Plan(Where.HERE, need, 0);
    }
    if (need <= budget) {
      return new Plan(Where.LARGER_HEAP, need, budget);
    }
    // Only the pages the analysis touches take memory, so the file is made twice the guess: a heap
    // too small fails after the work (a heap of small objects needs up to 1.7 bytes per byte of
    // dump), a larger file costs only reserved disk. Where the disk has less room, the analysis is
    // still tried, down to half the guess.
    long wanted = 2 * need;
    long room = (fileRoom - Math.max(DISK_MARGIN, fileRoom / 20)) >> 20 << 20;
    if (room < need / 2) {
      throw new UsageException(String.format(Locale.ROOT,
          "the analysis may need a heap of about %s, more than --memory (%s), and --tmp-dir has %s free for a"
              + " heap file: give --tmp-dir a directory on a disk with room, or more --memory",
          Sizes.human(need), Sizes.human(budget), Sizes.human(Math.max(0, fileRoom))));
    }
    return new Plan(Where.FILE, need, Math.min(roundUpToGb(wanted), room));
  }

  private static long roundUpToGb(long bytes) {
    return (bytes + GB - 1) / GB * GB;
  }

  /**
   * Runs the command in a second JVM when the plan says so and returns its exit code; null when this
   * JVM runs it (then nothing has been done).
   *
   * @param args the command line, as the second JVM is to get it
   * @param inherit whether {@code out} and {@code err} are this process's own streams, which the
   *     second JVM then writes to directly
   */
  static Integer runElsewhereIfNeeded(AnalysesDumps command, String[] args, PrintWriter out, PrintWriter err,
      boolean inherit) {
    if (System.getProperty(PLACED) != null) {
      return null;
    }
    List<Long> needs = new ArrayList<>();
    for (Path d : command.analysedDumps()) {
      needs.add(Engine.heapNeed(d));
    }
    needs.sort((a, b) -> Long.compare(b, a));
    long need = 0;
    for (int i = 0; i < Math.min(command.atOnce(), needs.size()); i++) {
      need += needs.get(i);
    }
    long thisHeap = Runtime.getRuntime().maxMemory();
    DumpOptions options = command.dumpOptions();
    if (need == 0 && options.memory == null) {
      return null;
    }
    if (options.memory != null && options.memory < MIN_MEMORY) {
      throw new UsageException("--memory must be at least 1MiB, got " + options.memory + " bytes");
    }
    long budget = options.memory != null ? options.memory : thisHeap;
    Path dir = null;
    long room = 0;
    if (need > budget) {
      if (!heapFilesSupported()) {
        err.println("memdiff: warning: the analysis may need a heap of about " + Sizes.human(need) + ", more than"
            + " --memory (" + Sizes.human(budget) + "), and this JVM cannot map its heap from a file: analysing it here");
        return null;
      }
      dir = heapFileDir(options.tmpDir);
      room = usableSpace(dir);
    }
    Plan plan = plan(need, budget, thisHeap, room);
    if (plan.where() == Where.HERE) {
      return null;
    }
    if (plan.where() == Where.FILE) {
      err.println("memdiff: the analysis may need a heap of about " + Sizes.human(need) + ", more than --memory ("
          + Sizes.human(budget) + "): it runs in a heap mapped from a file under " + dir + " (" + Sizes.human(plan.heapBytes())
          + " of disk reserved, deleted on exit), slower where the machine's memory runs short"
          + (eagerWriteBack() ? "; faster with the kernel settings in docs/usage.md, 'Dumps bigger than memory'" : ""));
      err.flush();
    }
    return run(command(plan, dir, args), out, err, inherit);
  }

  /**
   * The second JVM's command line: this one's JVM options but those sizing the heap or writing the
   * class archive (which is this JVM's to write) or listening for a debugger (whose port this JVM
   * holds), then the planned heap, this class path and main class, and the same arguments.
   */
  static List<String> command(Plan plan, Path heapDir, String[] args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!replaced(option)) {
        command.add(option);
      }
    }
    command.add("-Xmx" + (plan.heapBytes() >> 20) + "m");
    if (plan.where() == Where.FILE) {
      // The JVM reserves the whole file at its start anyway. A heap committed whole never grows, and
      // growing costs a full collection each time, which reads the heap back from the disk.
      command.add("-Xms" + (plan.heapBytes() >> 20) + "m");
      command.add("-XX:AllocateHeapAt=" + heapDir);
    }
    command.add("-D" + PLACED + "=" + plan.where().name().toLowerCase(Locale.ROOT));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(Arrays.asList(args));
    return command;
  }

  private static boolean replaced(String option) {
    for (String prefix : List.of("-Xmx", "-Xms", "-XX:MaxHeapSize=", "-XX:InitialHeapSize=", "-XX:MaxRAM=",
        "-XX:MaxRAMPercentage=", "-XX:MaxRAMFraction=", "-XX:AllocateHeapAt=", "-XX:ArchiveClassesAtExit=",
        "-agentlib:jdwp", "-D" + PLACED + "=")) {
      if (option.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where the heap file goes: {@code --tmp-dir}, or the system's temp dir; one in memory (tmpfs) would
   * take from the memory the file is to spare, so then /var/tmp, or a usage error for a given one.
   */
  static Path heapFileDir(Path tmpDir) {
    if (tmpDir != null) {
      if (!Files.isDirectory(tmpDir)) {
        throw new UsageException("--tmp-dir " + tmpDir + " is not a directory");
      }
      if (inMemory(tmpDir)) {
        throw new UsageException("--tmp-dir " + tmpDir + " is in memory (" + storeType(tmpDir) + "): a heap file there"
            + " would take the memory it is meant to spare; give a directory on a disk");
      }
      return tmpDir.toAbsolutePath();
    }
    Path system = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Path varTmp = Path.of("/var/tmp");
    if (inMemory(system) && Files.isDirectory(varTmp) && Files.isWritable(varTmp) && !inMemory(varTmp)) {
      return varTmp;
    }
    return system;
  }

  private static boolean inMemory(Path dir) {
    String type = storeType(dir);
    return type.equals("tmpfs") || type.equals("ramfs");
  }

  private static String storeType(Path dir) {
    try {
      return Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "";
    }
  }

  private static long usableSpace(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.getUsableSpace();
    } catch (IOException e) {
      throw new UsageException("--tmp-dir " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Whether Linux writes a changed page of the heap file back within ten minutes (its default is 30
   * s), which keeps the disk and the kernel busy with pages the analysis changes again.
   */
  private static boolean eagerWriteBack() {
    // A line read, since Files.readString stops after the first byte of this file on JDK 17.
    try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/vm/dirty_expire_centisecs"))) {
      String expire = in.readLine();
      return expire != null && Long.parseLong(expire.strip()) < 60_000;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether this JVM knows -XX:AllocateHeapAt (HotSpot does, since JDK 10). */
  private static boolean heapFilesSupported() {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("AllocateHeapAt");
      return true;
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  /**
   * Runs the second JVM to its end and returns its exit code. It is destroyed if this one is ended
   * first (a terminal's Ctrl-C reaches both anyway).
   */
  private static int run(List<String> command, PrintWriter out, PrintWriter err, boolean inherit) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (inherit) {
      out.flush();
      err.flush();
      builder.inheritIO();
    } else {
      builder.redirectInput(ProcessBuilder.Redirect.INHERIT);
    }
    // The hook is in place before the second JVM starts, and starting it and the hook exclude each
    // other: this JVM ended at any moment leaves no second one running.
    Process[] started = new Process[1];
    boolean[] ending = new boolean[1];
    Thread stop = new Thread(() -> {
      synchronized (started) {
        ending[0] = true;
        if (started[0] != null) {
          started[0].destroy();
        }
      }
    }, "memdiff-stop-analysis");
    Runtime.getRuntime().addShutdownHook(stop);
    Process child;
    synchronized (started) {
      if (ending[0]) {
        return ExitCodes.INTERNAL;
      }
      try {
        child = builder.start();
      } catch (IOException e) {
        unhook(stop);
        throw new UncheckedIOException("could not start a JVM for the analysis: " + e.getMessage(), e);
      }
      started[0] = child;
    }
    try {
      Thread copyErr = null;
      if (!inherit) {
        copyErr = copy(child.getErrorStream(), err);
        copy(child.getInputStream(), out).join();
        copyErr.join();
      }
      return child.waitFor();
    } catch (InterruptedException e) {
      child.destroy();
      Thread.currentThread().interrupt();
      return ExitCodes.INTERNAL;
    } finally {
      unhook(stop);
    }
  }

  private static void unhook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs.
    }
  }

  private static Thread copy(InputStream from, PrintWriter to) {
    Thread t = new Thread(() -> {
      try (Reader in = new InputStreamReader(from, StandardCharsets.UTF_8)) {
        char[] buffer = new char[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          to.write(buffer, 0, n);
        }
        to.flush();
      } catch (IOException e) {
        // The child is gone; its exit code says how.
      }
    }, "memdiff-copy-output");
    t.start();
    return t;
  }
}
