package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageTest {
  @ParameterizedTest
  @ValueSource(strings = {"histo", "summary", "path", "show", "summarize", "demo"})
  void everyCommandHasHelpWithAnExample(String command) {
    Cli r = Cli.run(command, "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: memdiff " + command).contains("Example");
  }

  @Test
  void theTopLevelHelpListsTheCommandsAndExitCodes() {
    Cli r = Cli.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("histo", "path", "show", "summary", "summarize", "demo", "Exit codes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"histp", "sumary", "pth", "summ"})
  void aMistypedCommandIsAUsageErrorThatSuggestsTheCommand(String typo) {
    Cli r = Cli.run(typo, "app.hprof");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: '" + typo + "' is neither a command nor a dump; did you mean 'memdiff ");
  }

  @Test
  void aDumpNameIsNeverTakenForAMistypedCommand() {
    assertThat(Main.mistypedCommand("histo.hprof")).isNull();
    assertThat(Main.mistypedCommand("dumps/path")).isNull();
    assertThat(Main.mistypedCommand("--top")).isNull();
    assertThat(Main.mistypedCommand("zzzzzz")).isNull();
  }

  @Test
  void aDiffBuildsNoOtherCommandButItsHelpAndTheArchivingRunDo() {
    java.io.PrintWriter quiet = new java.io.PrintWriter(new java.io.StringWriter());
    String[] diff = {"a.hprof", "b.hprof"};
    assertThat(Main.commandLine(diff, quiet, quiet).getSubcommands()).isEmpty();
    String[] histo = {"histo", "a.hprof"};
    assertThat(Main.commandLine(histo, quiet, quiet).getSubcommands()).containsOnlyKeys("histo");
    System.setProperty(Main.ARCHIVING, "true");
    try {
      assertThat(Main.commandLine(diff, quiet, quiet).getSubcommands()).containsKeys("histo", "path", "summarize");
    } finally {
      System.clearProperty(Main.ARCHIVING);
    }
    Cli r = Cli.run("a.hprof", "b.hprof", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("histo", "path", "show", "summary", "summarize", "demo");
  }

  @Test
  void versionNamesTheProgram() {
    Cli r = Cli.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("memdiff ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"histo", "summary", "path", "show", "summarize", "demo"})
  void everyCommandsVersionNamesTheProgram(String command) {
    Cli r = Cli.run(command, "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("memdiff ");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Cli r = Cli.run("histo", "--no-such-option", "x.hprof");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
  }

  @Test
  void oneDumpIsNotEnoughForADiff() {
    Cli r = Cli.run("a.hprof");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("at least two dumps");
  }

  @Test
  void noArgumentsPointsAtTheDemo() {
    Cli r = Cli.run();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("memdiff demo");
  }

  @Test
  void pathNeedsAClassOrAnId() {
    Cli r = Cli.run("path", "a.hprof");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  /**
   * Help is wrapped by picocli to the terminal's width, so each paragraph of a description or footer
   * must be one element: an element that stops mid-sentence is a hard line break, which picocli
   * keeps and then wraps again, leaving ragged lines. Example lines (indented) are exempt.
   */
  @org.junit.jupiter.api.Test
  void everyParagraphOfHelpIsOneElementThatPicocliWraps() {
    java.io.PrintWriter quiet = new java.io.PrintWriter(new java.io.StringWriter());
    picocli.CommandLine root = Main.commandLine(new String[0], quiet, quiet);
    java.util.List<picocli.CommandLine> all = new java.util.ArrayList<>(root.getSubcommands().values());
    all.add(root);
    int checked = 0;
    for (picocli.CommandLine c : all) {
      picocli.CommandLine.Model.UsageMessageSpec u = c.getCommandSpec().usageMessage();
      java.util.List<String> elements = new java.util.ArrayList<>(java.util.List.of(u.description()));
      elements.addAll(java.util.List.of(u.footer()));
      for (String e : elements) {
        if (e.isEmpty() || e.startsWith(" ")) {
          continue;
        }
        assertThat(e.replaceAll("%n$", "")).as("a help paragraph of '%s'", c.getCommandName()).matches("(?s).*[.:)]$");
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
  }
}
