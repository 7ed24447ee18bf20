package io.memdiff.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "completion", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Print a shell completion script for memdiff's commands and options, made by picocli's generator."
          + " zsh runs the same bash script: it loads zsh's bash completion itself"
          + " (autoload -U +X bashcompinit && bashcompinit)."
    },
    footer = {"", "Examples:", "  source <(memdiff completion bash)     # in ~/.bashrc",
        "  source <(memdiff completion zsh)      # in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    // The command line this one runs under holds only this subcommand: the script needs them all.
    PrintWriter quiet = new PrintWriter(new StringWriter());
    String script = AutoComplete.bash("memdiff", Main.commandLine(new String[0], quiet, quiet));
    PrintWriter out = spec.commandLine().getOut();
    out.print(script);
    out.flush();
    return ExitCodes.OK;
  }
}
