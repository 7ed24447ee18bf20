package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script, run as users run it: through a symbolic link on PATH, from another directory,
 * in a source checkout and in a release layout. The jar it runs is a stand-in with the test class
 * path in its manifest (the real one is packed after the tests), so what is tested is the script's
 * way to its jar: a launcher that looked beside the link instead would build or fail.
 */
class LauncherTest {
  @TempDir Path dir;

  @Test
  void aLinkToAReleaseRunsTheJarBesideTheScriptFromAnyDirectory() throws Exception {
    Path release = Files.createDirectories(dir.resolve("memdiff-1.0"));
    Path script = copyLauncher(release);
    standInJar(release.resolve("memdiff.jar"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("memdiff"), script);
    Path elsewhere = Files.createDirectories(dir.resolve("work"));

    Result r = run(bin.resolve("memdiff"), elsewhere, "--version");
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).startsWith("memdiff ");
    assertThat(r.err).doesNotContain("building");
  }

  @Test
  void aLinkToACheckoutRunsItsBuiltJarWithoutBuildingAgain() throws Exception {
    Path checkout = Files.createDirectories(dir.resolve("checkout"));
    Path script = copyLauncher(checkout);
    Path target = Files.createDirectories(checkout.resolve("cli/target"));
    standInJar(target.resolve("memdiff.jar"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("memdiff"), script);
    // A pom in the link's directory, older than the jar or not, must not matter: the checkout's does.
    Files.writeString(bin.resolve("pom.xml"), "<project/>");

    Result r = run(bin.resolve("memdiff"), Files.createDirectories(dir.resolve("work")), "--help");
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("Usage: memdiff");
    assertThat(r.err).doesNotContain("building");
  }

  @Test
  void aDiffsFirstRunArchivesItsClassesAndLaterRunsPrintTheSameReportWithOrWithoutIt() throws Exception {
    // Spaces in both paths: the archive's path is one argument to the JVM, however it is spelled.
    Path release = Files.createDirectories(dir.resolve("memdiff 1.0"));
    Path script = copyLauncher(release);
    packedJar(release.resolve("memdiff.jar"));
    String[] dumps = GoldenDumps.writeSeries(Files.createDirectories(dir.resolve("dumps")));
    Path cache = dir.resolve("user cache");

    Result version = run(script, dir, cache, "--version");
    assertThat(version.code).as(version.err).isZero();
    assertThat(cache.resolve("memdiff")).as("--version loads too few classes to archive").doesNotExist();

    Result first = run(script, dir, cache, dumps);
    assertThat(first.code).as(first.err).isZero();
    assertThat(first.out).startsWith("leak ");
    List<Path> archives = archives(cache.resolve("memdiff"));
    // A Java without a class archive of its own cannot make one on top: the launcher goes on without.
    boolean archived = baseArchive();
    assertThat(archives).as("the first diff's archive, and no half-written one").hasSize(archived ? 1 : 0)
        .allMatch(a -> a.getFileName().toString().endsWith(".jsa"));

    Result second = run(script, dir, cache, dumps);
    assertThat(second.code).isZero();
    assertThat(second.out).isEqualTo(first.out);
    assertThat(second.err).isEqualTo(first.err);
    if (!archived) {
      return;
    }

    // An archive this JVM cannot use (damaged, or another build's) is passed over without a word.
    Path archive = archives.get(0);
    Files.delete(archive);
    Files.write(archive, "not a class archive".getBytes(StandardCharsets.US_ASCII));
    Result damaged = run(script, dir, cache, dumps);
    assertThat(damaged.code).isZero();
    assertThat(damaged.out).isEqualTo(first.out);
    assertThat(damaged.err).isEqualTo(first.err);
  }

  /**
   * Two installs share the user's cache: each keeps its own archive when the other archives, and a
   * new jar in one install drops that install's old archive and any named the way older launchers
   * named them.
   */
  @Test
  void installsSharingACacheDropOnlyTheirOwnOldArchives() throws Exception {
    Assumptions.assumeTrue(baseArchive(), "this Java cannot make an application's class archive");
    String[] dumps = GoldenDumps.writeSeries(Files.createDirectories(dir.resolve("dumps")));
    Path cache = dir.resolve("cache");
    Path archives = cache.resolve("memdiff");
    Path a = Files.createDirectories(dir.resolve("a"));
    Path scriptA = copyLauncher(a);
    packedJar(a.resolve("memdiff.jar"));
    Files.createDirectories(archives);
    Path legacy = Files.writeString(archives.resolve("memdiff-12345.jsa"), "an older launcher's archive");
    Files.setLastModifiedTime(legacy, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    assertThat(run(scriptA, dir, cache, dumps).code).isZero();
    List<Path> afterA = archives(archives);
    assertThat(afterA).as("A's archive, the legacy one dropped").hasSize(1).doesNotContain(legacy);
    Path archiveA = afterA.get(0);

    // B's jar is newer than A's archive, as when B is installed later.
    Path b = Files.createDirectories(dir.resolve("b"));
    Path scriptB = copyLauncher(b);
    packedJar(b.resolve("memdiff.jar"));
    later(b.resolve("memdiff.jar"), archiveA);
    assertThat(run(scriptB, dir, cache, dumps).code).isZero();
    assertThat(archives(archives)).as("B's archive beside A's").hasSize(2).contains(archiveA);

    // A new jar in A: its archive is made anew and the old one goes; B's stays.
    Path archiveB = archives(archives).stream().filter(p -> !p.equals(archiveA)).findFirst().orElseThrow();
    packedJar(a.resolve("memdiff.jar"));
    later(a.resolve("memdiff.jar"), archiveB);
    assertThat(run(scriptA, dir, cache, dumps).code).isZero();
    assertThat(archives(archives)).hasSize(2).contains(archiveB).doesNotContain(archiveA);
  }

  /** Gives a file a modification time a minute after another's. */
  private static void later(Path file, Path than) throws IOException {
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(than).toMillis() + 60_000));
  }

  /** Whether this Java has the class archive of its own that an application's archive builds on. */
  private static boolean baseArchive() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xshare:on", "-version").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  private static List<Path> archives(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (var files = Files.list(cache)) {
      return files.toList();
    }
  }

  static Path copyLauncher(Path into) throws IOException {
    Path script = Files.copy(Path.of("..", "memdiff"), into.resolve("memdiff"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** A jar of nothing but a manifest: the main class, and the test's class path. */
  static void standInJar(Path jar) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String url = Path.of(entry).toAbsolutePath().toUri().toString();
      urls.add(url);
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
  }

  /**
   * A jar of the test class path's classes, with its jars in the manifest: the class archive takes
   * classes from jars only, so the stand-in of {@link #standInJar} would leave nothing to archive.
   */
  static void packedJar(Path jar) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    List<String> urls = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(p)) {
        dirs.add(p);
      } else {
        urls.add(p.toUri().toString());
      }
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    java.util.Set<String> added = new java.util.HashSet<>();
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      for (Path d : dirs) {
        try (var files = Files.walk(d)) {
          for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
            String name = d.relativize(f).toString().replace(File.separatorChar, '/');
            if (!name.equals("META-INF/MANIFEST.MF") && added.add(name)) {
              j.putNextEntry(new java.util.jar.JarEntry(name));
              Files.copy(f, j);
              j.closeEntry();
            }
          }
        }
      }
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result run(Path launcher, Path cwd, String... args) throws Exception {
    return run(launcher, cwd, null, args);
  }

  /** @param cache the user's cache directory ({@code XDG_CACHE_HOME}), or null to leave it as it is */
  private static Result run(Path launcher, Path cwd, Path cache, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    if (cache != null) {
      pb.environment().put("XDG_CACHE_HOME", cache.toString());
    }
    // The launcher's tuned options are for the analysis; a plain JVM starts sooner here.
    pb.environment().put("MEMDIFF_JAVA_OPTS", "-Xshare:auto");
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
        + pb.environment().getOrDefault("PATH", ""));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8), err);
  }
}
