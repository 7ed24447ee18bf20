package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code memdiff completion bash|zsh}: picocli's completion script for every command. */
class CompletionTest {
  private static final String[] COMMANDS = {"histo", "summary", "path", "show", "summarize", "capture", "watch", "demo",
      "completion", "help"};

  @Test
  void theBashScriptCompletesEverySubcommandAndTheFormatOption() {
    Cli r = Cli.run("completion", "bash");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("complete -F _complete_memdiff", "--format", "--baseline", "--write-baseline");
    for (String c : COMMANDS) {
      assertThat(r.out()).as(c).containsPattern("\\b" + c + "\\b");
    }
  }

  @Test
  void zshGetsTheScriptThatLoadsBashCompletionUnderZsh() {
    Cli r = Cli.run("completion", "zsh");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEqualTo(Cli.run("completion", "bash").out())
        .contains("autoload -U +X bashcompinit && bashcompinit");
  }

  @Test
  void anotherShellIsAUsageError() {
    Cli r = Cli.run("completion", "fish");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("fish");
  }
}
