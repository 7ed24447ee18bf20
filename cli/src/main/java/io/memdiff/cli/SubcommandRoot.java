package io.memdiff.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The top level when the first argument names a subcommand, which is then all picocli parses: the
 * name, the version, {@code --debug} (which subcommands inherit) and nothing of the diff's two dozen
 * options, which picocli would otherwise read by reflection on the thread the analysis waits for.
 */
@Command(name = "memdiff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
final class SubcommandRoot implements Runnable {
  @Mixin GlobalOptions global;

  @Override
  public void run() {
    throw new IllegalStateException("memdiff runs a subcommand here");
  }
}
