package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LiveService;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.w3c.dom.Document;

/**
 * The README's CI recipe, run line by line as a job would run it: by bash, with {@code memdiff} on
 * PATH (the launcher, through a link, before a stand-in jar carrying the test class path), against a
 * live service that leaks, the capture's interval shortened from a minute to a second. Each output
 * is read by a parser: the JUnit XML against its schema, the Markdown as a table, the annotations as
 * workflow commands, the HTML page in headless Chromium.
 */
class CiRecipeTest {
  @TempDir Path dir;

  @Test
  void theReadmesCiRecipeRunsEndToEndAndEachOutputParses() throws Exception {
    List<String> recipe = recipe();
    assertThat(recipe).hasSizeGreaterThanOrEqualTo(6).allMatch(l -> l.startsWith("memdiff "));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path install = Files.createDirectories(dir.resolve("memdiff-release"));
    LauncherTest.standInJar(install.resolve("memdiff.jar"));
    Files.createSymbolicLink(bin.resolve("memdiff"), LauncherTest.copyLauncher(install));
    Path job = Files.createDirectories(dir.resolve("job"));
    Path stepSummary = job.resolve("step-summary.md");

    Process live = LiveServices.start(ScenarioRunner.currentJavaHome());
    try {
      List<Step> steps = new ArrayList<>();
      for (String line : recipe) {
        steps.add(run(line.replace("--interval 60", "--interval 1"), job, bin, live.pid(), stepSummary));
      }
      for (Step s : steps) {
        assertThat(s.code).as("%s\n%s", s.line, s.err).isZero();
      }
      for (int k = 1; k <= 3; k++) {
        assertThat(job.resolve("dumps/" + k + ".hprof")).isRegularFile();
        assertThat(job.resolve("dumps/" + k + ".proc.json")).isRegularFile();
      }
      assertThat(job.resolve("base.sites.json")).isRegularFile();
      assertThat(Files.readAllLines(job.resolve("known.txt"))).anyMatch(l -> !l.isBlank() && !l.startsWith("#"));

      // The gate that the baseline quiets does bite: the leak is real.
      Cli ungated = Cli.run(job.resolve("dumps/1.hprof").toString(), job.resolve("dumps/2.hprof").toString(),
          job.resolve("dumps/3.hprof").toString(), "--fail-on-leak", "--no-paths");
      assertThat(ungated.exitCode()).as(ungated.out()).isEqualTo(1);
      assertThat(ungated.out()).contains("leak  " + LiveService.Order.class.getName());

      Document junit = CiFormatsTest.validJUnit(Files.readString(job.resolve("memdiff.xml")));
      assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("0");
      assertThat(Integer.parseInt(junit.getDocumentElement().getAttribute("tests"))).isPositive();
      Step annotated = steps.get(recipe.indexOf(recipe.stream().filter(l -> l.contains("--annotations github"))
          .findFirst().orElseThrow()));
      assertThat(annotated.err.lines().filter(l -> !l.isBlank()))
          .isNotEmpty().allMatch(l -> l.startsWith("::notice") || l.startsWith("::warning") || l.startsWith("::error"));

      List<List<String>> table = CiFormatsTest.table(Files.readAllLines(stepSummary));
      assertThat(table).as("the step summary's table").hasSizeGreaterThan(1);
      assertThat(String.join("\n", Files.readAllLines(stepSummary))).contains(LiveService.Order.class.getName());

      Optional<String> noBrowser = HeadlessChromium.unavailable();
      assumeTrue(noBrowser.isEmpty(), noBrowser.orElse(""));
      try (HeadlessChromium browser = HeadlessChromium.start()) {
        browser.open(job.resolve("memdiff.html"));
        assertThat(browser.driver.findElements(By.cssSelector("table tbody tr"))).isNotEmpty();
        assertThat(browser.driver.findElement(By.tagName("body")).getText())
            .contains(LiveService.Order.class.getName());
        assertThat(browser.consoleErrors()).isEmpty();
      }
    } finally {
      LiveServices.stop(live);
    }
  }

  /** The command lines of the README's first code block under "In CI". */
  static List<String> recipe() throws IOException {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int section = readme.indexOf("## In CI");
    assertThat(section).as("the README's CI section").isNotNegative();
    int open = section + 1;
    while (!readme.get(open).startsWith("```")) {
      open++;
    }
    List<String> lines = new ArrayList<>();
    for (int i = open + 1; !readme.get(i).startsWith("```"); i++) {
      lines.add(readme.get(i));
    }
    return lines;
  }

  private record Step(String line, int code, String err) {}

  private static Step run(String line, Path job, Path bin, long pid, Path stepSummary) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(job.toFile());
    pb.environment().put("PID", Long.toString(pid));
    pb.environment().put("GITHUB_STEP_SUMMARY", stepSummary.toString());
    pb.environment().put("MEMDIFF_JAVA_OPTS", "-Xmx512m");
    pb.environment().put("PATH", bin + File.pathSeparator + Path.of(System.getProperty("java.home"), "bin")
        + File.pathSeparator + pb.environment().getOrDefault("PATH", ""));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(line).isTrue();
    return new Step(line, p.exitValue(), err);
  }
}
