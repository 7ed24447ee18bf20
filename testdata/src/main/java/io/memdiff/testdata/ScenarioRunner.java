package io.memdiff.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a scenario program in a child JVM, which builds its object graph and dumps itself with
 * HotSpotDiagnosticMXBean; returns the dump files it printed. A child keeps the dumps free of the
 * test runner's own objects and lets tests dump with another JDK.
 */
public final class ScenarioRunner {
  private static final long TIMEOUT_MINUTES = 5;

  private ScenarioRunner() {}

  /** Runs with the current JVM and {@code -Xmx512m}. */
  public static List<Path> run(Class<?> mainClass, Path outDir, String... args) throws IOException {
    return run(Path.of(System.getProperty("java.home")), List.of("-Xmx512m"), mainClass, outDir, args);
  }

  /** Runs with the JVM under {@code javaHome}, with the current class path. */
  public static List<Path> run(Path javaHome, List<String> jvmOptions, Class<?> mainClass, Path outDir, String... args)
      throws IOException {
    Files.createDirectories(outDir);
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.add(outDir.toString());
    command.addAll(List.of(args));
    Path errFile = Files.createTempFile("memdiff-scenario-", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(mainClass.getSimpleName() + " did not finish in " + TIMEOUT_MINUTES + " minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException(mainClass.getSimpleName() + " failed (exit " + p.exitValue() + "): "
            + Files.readString(errFile));
      }
      List<Path> dumps = new ArrayList<>();
      for (String line : new String(out, StandardCharsets.UTF_8).split("\\R")) {
        if (line.endsWith(".hprof")) {
          dumps.add(Path.of(line));
        }
      }
      return dumps;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + mainClass.getSimpleName(), e);
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  /** A JDK 25+ beside the default one: {@code MEMDIFF_JDK25}, or {@code /usr/lib/jvm/temurin-25*}. */
  public static Optional<Path> jdk25Home() {
    String env = System.getenv("MEMDIFF_JDK25");
    if (env != null && Files.isExecutable(Path.of(env, "bin", "java"))) {
      return Optional.of(Path.of(env));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(jvms)) {
      return s.filter(p -> p.getFileName().toString().matches("(temurin|jdk|java)-2[5-9].*"))
          .filter(p -> Files.isExecutable(p.resolve("bin").resolve("java")))
          .sorted()
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
