package io.memdiff.cli;

import io.memdiff.engine.Engine;
import io.memdiff.engine.NotInDumpException;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.hprof.NoSuchDumpException;
import io.memdiff.hprof.ScratchSpaceException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point: wires picocli's error handling to memdiff's exit codes and one-line errors. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    mapFirstDumpEarly(args);
    // UTF-8 whatever the locale: under a C locale (env -i, minimal CI images) the platform encoding
    // would turn every path arrow and non-ASCII name into '?'.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    ownStreams = true;
    System.exit(run(args, out, err));
  }

  /** Whether {@link #run}'s writers are this process's stdout and stderr, which a second JVM can share. */
  private static volatile boolean ownStreams;

  /**
   * Maps the first argument that is an HPROF file while the command line is still being parsed, so
   * its pages are read in beside the parsing (see {@link Engine#mapEarly}). A guess from the
   * arguments alone, so it only maps: if the command reads that file, it takes the mapping; if not,
   * it stays mapped and unread until memdiff exits.
   */
  static void mapFirstDumpEarly(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-") && Engine.mapEarly(Path.of(a))) {
        return;
      }
    }
  }

  /** Runs memdiff as the command line would, writing to the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    String mistyped = args.length > 0 && !SUBCOMMANDS.containsKey(args[0]) ? mistypedCommand(args[0]) : null;
    if (mistyped != null) {
      err.println(mistyped);
      err.flush();
      return ExitCodes.USAGE;
    }
    CommandLine cl = commandLine(args, out, err);
    placeHeap(cl, args, out, err);
    // Progress is made deep in each command; the flag is read here, like --debug below.
    Progress.requested = Arrays.asList(args).contains("--progress");
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli passes only Exceptions to the handler. The analysis's arrays are unreachable once the
      // error has unwound, so there is room to say what to do.
      err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
      return ExitCodes.INTERNAL;
    } catch (InternalError e) {
      err.println(vanishedPages());
      if (Arrays.asList(args).contains("--debug")) {
        e.printStackTrace(err);
      }
      return ExitCodes.BAD_DUMP;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Before a command that analyses dumps runs, its heap is placed ({@link HeapPlacement}): where the
   * dumps need more than this JVM's heap may take, a second JVM runs the command line instead.
   */
  private static void placeHeap(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cl.setExecutionStrategy(parsed -> {
      CommandLine.ParseResult last = parsed;
      boolean help = false;
      for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
        help |= p.isUsageHelpRequested() || p.isVersionHelpRequested();
        last = p;
      }
      if (!help && last.commandSpec().userObject() instanceof AnalysesDumps command) {
        Integer code;
        try {
          code = HeapPlacement.runElsewhereIfNeeded(command, args, out, err, ownStreams);
        } catch (RuntimeException e) {
          throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
        }
        if (code != null) {
          return code;
        }
      }
      return runLast.execute(parsed);
    });
  }

  /**
   * The JVM's word for a read of a mapped page that is no longer there (the file under the mapping
   * was cut or overwritten) is an InternalError: say which dump changed, if one visibly did.
   */
  static String vanishedPages() {
    String changed = Engine.describeChangedDump();
    return "memdiff: " + (changed != null ? changed
        : "a dump's pages could not be read: was the file cut short or overwritten while it was read?");
  }

  static String outOfMemory(long maxHeapBytes) {
    return outOfMemory(maxHeapBytes, Engine.largestIndexedObjects(), machineMemory(),
        "file".equals(System.getProperty(HeapPlacement.PLACED)));
  }

  /** Heap the analysis asks for per object of the largest dump, with room for the collector. */
  static final long HEAP_BYTES_PER_OBJECT = 70;

  /**
   * What to do when the heap ran out: a heap sized for the dump's objects or, where this machine's
   * memory could not hold that, a heap file on a disk with room for it, rather than a heap the
   * machine would have to swap.
   *
   * @param objects the largest dump's objects, 0 if unknown
   * @param machineBytes the machine's (or container's) memory, 0 if unknown
   * @param inFile whether the heap is already mapped from a file ({@link HeapPlacement})
   */
  static String outOfMemory(long maxHeapBytes, long objects, long machineBytes, boolean inFile) {
    String head = "memdiff: out of memory: the Java heap (" + (maxHeapBytes >> 20) + " MB"
        + (inFile ? ", mapped from a file under --tmp-dir" : "") + ") is too small for this dump;";
    if (objects <= 0) {
      return head + " the analysis needs about " + HEAP_BYTES_PER_OBJECT + " bytes per object of the largest dump."
          + (inFile ? " Give --tmp-dir a disk with more room."
              : " Give it more, e.g. MEMDIFF_EXTRA_JAVA_OPTS=-Xmx" + Math.max(2, 2 * (maxHeapBytes >> 30)) + "g");
    }
    long needGb = Math.max(1, (objects * HEAP_BYTES_PER_OBJECT + (1L << 30) - 1) >> 30);
    String need = head + String.format(Locale.ROOT, " %,d objects need about %d GB (%d bytes per object of the largest dump).",
        objects, needGb, HEAP_BYTES_PER_OBJECT);
    if (inFile) {
      return need + " Give --tmp-dir a disk with " + (needGb + needGb / 4 + 1) + " GB free.";
    }
    if (machineBytes > 0 && (needGb << 30) > machineBytes - machineBytes / 8) {
      return need + " That is more than this machine can give (" + (machineBytes >> 30) + " GB of memory):"
          + " with --memory " + Math.max(1, (machineBytes >> 30) / 2) + "GB the analysis runs in a heap mapped from"
          + " a file instead, under a --tmp-dir with " + (needGb + needGb / 4 + 1) + " GB free.";
    }
    return need + " Give it that: MEMDIFF_EXTRA_JAVA_OPTS=-Xmx" + needGb + "g";
  }

  /** The memory of the machine or container this JVM runs in, 0 if the platform does not say. */
  private static long machineMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  /**
   * The subcommands, in the order help lists them. Each is built only when it may run: picocli reads
   * a command's annotations by reflection when it is added, on the thread the analysis waits for.
   * Lambdas rather than constructor references, so that a command's class is not even loaded then.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("histo", () -> new HistoCommand());
    SUBCOMMANDS.put("summary", () -> new SummaryCommand());
    SUBCOMMANDS.put("path", () -> new PathCommand());
    SUBCOMMANDS.put("show", () -> new ShowCommand());
    SUBCOMMANDS.put("summarize", () -> new SummarizeCommand());
    SUBCOMMANDS.put("capture", () -> new CaptureCommand());
    SUBCOMMANDS.put("watch", () -> new WatchCommand());
    SUBCOMMANDS.put("demo", () -> new DemoCommand());
    SUBCOMMANDS.put("completion", () -> new CompletionCommand());
    SUBCOMMANDS.put("help", () -> new CommandLine.HelpCommand());
  }

  /**
   * For a first argument that names neither a subcommand nor a file but is spelled like a
   * subcommand (one letter off, or a prefix), the usage error that says so; null otherwise.
   */
  static String mistypedCommand(String first) {
    if (first.startsWith("-") || first.contains("/") || first.contains(".") || Files.exists(Path.of(first))) {
      return null;
    }
    for (String name : SUBCOMMANDS.keySet()) {
      if (name.startsWith(first) || distance(first, name) <= 1) {
        return "memdiff: '" + first + "' is neither a command nor a dump; did you mean 'memdiff " + name + "'?";
      }
    }
    return null;
  }

  /** Edit distance, for words of a few letters. */
  private static int distance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int up = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = up;
      }
    }
    return row[b.length()];
  }

  /** Set by the launcher on the run that writes the class archive. */
  static final String ARCHIVING = "memdiff.archiving";

  /** picocli's system property naming the types it is not to register converters for. */
  private static final String CONVERTERS_EXCLUDED = "picocli.converters.excludes";

  /**
   * The command line for these arguments: when the first names a subcommand, only that one is
   * added, under a top level that has none of the diff's options ({@link SubcommandRoot}), since
   * picocli takes a subcommand only from there on; for help, or no arguments, all are, so help
   * lists them; for the diff, none.
   */
  static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
    // No option of memdiff's takes a date, time or JDBC type, so start-up need not load their converters.
    if (System.getProperty(CONVERTERS_EXCLUDED) == null) {
      System.setProperty(CONVERTERS_EXCLUDED, "java\\.sql\\..*,java\\.time\\..*");
    }
    String first = args.length > 0 ? args[0] : null;
    boolean one = first != null && !first.equals("help") && SUBCOMMANDS.containsKey(first);
    // The diff runs without the other commands built (picocli reads each one by reflection): only
    // help, and a command line without arguments, which prints it, list them. The launcher's run
    // that makes the class archive builds them all, so that the other commands start from it too.
    List<String> all = Arrays.asList(args);
    boolean none = first != null && !SUBCOMMANDS.containsKey(first) && !all.contains("-h") && !all.contains("--help")
        && !Boolean.getBoolean(ARCHIVING);
    CommandLine cl = new CommandLine(one ? new SubcommandRoot() : new MemdiffCommand());
    for (Map.Entry<String, Supplier<Object>> s : SUBCOMMANDS.entrySet()) {
      if (!none && (!one || s.getKey().equals(first))) {
        cl.addSubcommand(s.getKey(), s.getValue().get());
      }
    }
    // Each subcommand's --version (from mixinStandardHelpOptions) says what the top level's does;
    // without a provider of its own it printed nothing.
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(cl.getCommandSpec().versionProvider());
    }
    // Settings after the subcommands: picocli applies them to those added so far.
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(Main::handleException);
    cl.setParameterExceptionHandler((ex, a) -> {
      PrintWriter e = ex.getCommandLine().getErr();
      e.println("memdiff: " + ex.getMessage());
      e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    return cl;
  }

  private static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean debug = GlobalOptions.debugRequested(parsed);
    // Work on other threads, and I/O inside the analysis, fail wrapped: report what failed there.
    Throwable t = ex;
    while ((t instanceof UncheckedIOException || t instanceof CompletionException
        || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    int code;
    if (t instanceof OutOfMemoryError) {
      err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
      code = ExitCodes.INTERNAL;
    } else if (t instanceof InternalError) {
      err.println(vanishedPages());
      code = ExitCodes.BAD_DUMP;
    } else if (t instanceof OutputFile.WriteFailure || t instanceof ScratchSpaceException) {
      err.println("memdiff: " + t.getMessage());
      code = ExitCodes.WRITE;

    } else if (t instanceof NoSuchDumpException e) {
      err.println("memdiff: " + e.file() + ": " + e.problem());
      code = ExitCodes.USAGE;
    } else if (t instanceof HprofFormatException e) {
      // A message may quote a bad dump's own text (a Ruby line's type), which must not break the line.
      err.println("memdiff: " + e.file() + ": " + Text.safe(e.getMessage()));
      code = ExitCodes.BAD_DUMP;
    } else if (t instanceof NoSuchFileException e) {
      err.println("memdiff: " + e.getFile() + ": no such file");
      code = ExitCodes.BAD_DUMP;
    } else if (t instanceof AccessDeniedException e) {
      err.println("memdiff: " + e.getFile() + ": permission denied");
      code = ExitCodes.BAD_DUMP;
    } else if (t instanceof UsageException || t instanceof NotInDumpException) {
      err.println("memdiff: " + t.getMessage());
      code = ExitCodes.USAGE;
    } else if (t instanceof IOException e) {
      err.println("memdiff: " + e.getMessage());
      code = ExitCodes.BAD_DUMP;
    } else {
      err.println("memdiff: internal error: " + t + (debug ? "" : " (run with --debug for details)"));
      code = ExitCodes.INTERNAL;
    }
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return code;
  }
}
