package io.memdiff.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a scenario program in a child JVM, which builds its object graph and dumps itself with
 * HotSpotDiagnosticMXBean; returns the dump files it printed, one absolute path per stdout line. A child
 * keeps the dumps free of the test runner's own objects and lets tests dump with another JDK.
 */
public final class ScenarioRunner {
  /** Heap of the child JVM unless the caller gives options. */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  /** Environment variable naming a JDK 25+ home for {@link #jdk25Home()}. */
  public static final String JDK25_ENV = "MEMDIFF_JDK25";
  private static final int STDERR_TAIL_CHARS = 4000;

  private ScenarioRunner() {}

  /** Runs with the current JVM and {@link #DEFAULT_JVM_OPTIONS}. */
  public static List<Path> run(Class<?> mainClass, Path outDir, String... args) throws IOException {
    return run(currentJavaHome(), DEFAULT_JVM_OPTIONS, mainClass, outDir, args);
  }

  /** Runs with the JVM under {@code javaHome} and the given options, with the current class path. */
  public static List<Path> run(Path javaHome, List<String> jvmOptions, Class<?> mainClass, Path outDir, String... args)
      throws IOException {
    return run(javaHome, jvmOptions, DEFAULT_TIMEOUT, mainClass, outDir, args);
  }

  /**
   * Runs {@code mainClass} with arguments {@code outDir, args…}, waits up to {@code timeout}, and
   * returns the {@code .hprof} paths it printed, in order.
   *
   * @throws IOException if the child fails (the message holds the end of its stderr), times out, or
   *     prints a dump that does not exist
   */
  public static List<Path> run(Path javaHome, List<String> jvmOptions, Duration timeout, Class<?> mainClass,
      Path outDir, String... args) throws IOException {
    Files.createDirectories(outDir);
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.add(outDir.toAbsolutePath().toString());
    command.addAll(List.of(args));
    String name = mainClass.getSimpleName();
    // Both streams go to files, so a chatty or hung child cannot block us before the timeout applies.
    Path outFile = Files.createTempFile("memdiff-scenario-", ".out");
    Path errFile = Files.createTempFile("memdiff-scenario-", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(name + " did not finish in " + timeout + ": " + tail(errFile));
      }
      if (p.exitValue() != 0) {
        throw new IOException(name + " failed (exit " + p.exitValue() + "): " + tail(errFile));
      }
      List<Path> dumps = new ArrayList<>();
      for (String line : Files.readAllLines(outFile)) {
        if (line.endsWith(".hprof")) {
          Path dump = Path.of(line);
          if (!Files.isRegularFile(dump)) {
            throw new IOException(name + " printed " + dump + " but did not write it");
          }
          dumps.add(dump);
        }
      }
      return dumps;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + name, e);
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  private static String tail(Path errFile) throws IOException {
    String err = Files.readString(errFile);
    return err.length() <= STDERR_TAIL_CHARS ? err : "…" + err.substring(err.length() - STDERR_TAIL_CHARS);
  }

  /** The home of the JVM running this code, whose {@code bin/java} runs the children. */
  public static Path currentJavaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  /**
   * A JDK 25 or later beside the default one: {@link #JDK25_ENV} if it names one, else the first of
   * {@code /usr/lib/jvm/temurin-25*} (or another 25–29 JDK there); empty if none, so tests can skip.
   */
  public static Optional<Path> jdk25Home() {
    String env = System.getenv(JDK25_ENV);
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env, "bin", "java"))) {
      return Optional.of(Path.of(env));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(jvms)) {
      return s.filter(p -> p.getFileName().toString().matches("(temurin|jdk|java|openjdk)-2[5-9]([^0-9].*)?"))
          .filter(p -> Files.isExecutable(p.resolve("bin").resolve("java")))
          .sorted(Comparator.comparing((Path p) -> !p.getFileName().toString().startsWith("temurin"))
              .thenComparing(Path::toString))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
