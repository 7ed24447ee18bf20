package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

  private record Result(int code, String out, String err) {}

  private static Result run(Path launcher, Path cwd, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
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
