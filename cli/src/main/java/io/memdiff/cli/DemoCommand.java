package io.memdiff.cli;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Run a small leaking service in a child JVM, which dumps itself after each of three phases, then"
          + " diff the dumps. It leaks three ways (a static registry, a ThreadLocal buffer on thread \"worker-1\","
          + " listeners never removed), fills an LRU cache (bloat, not a leak) and makes garbage (not shown)."
          + " The dumps stay in the directory printed on stderr, to try 'memdiff path' and 'memdiff show' on."
    },
    footer = {"", "Example:", "  memdiff demo", "  memdiff demo --dir /tmp/demo -- --format json"})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the dumps (default: a new temporary directory).")
  Path dir;

  @Option(names = "--dumps", paramLabel = "N", defaultValue = "3", description = "How many dumps, 2 to 5 (default: ${DEFAULT-VALUE}).")
  int dumps;

  @Parameters(paramLabel = "DIFF-OPTION", arity = "0..*",
      description = "Options passed to the diff after '--', e.g. -- --format json --no-paths.")
  List<String> diffOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (dumps < 2 || dumps > 5) {
      throw new UsageException("--dumps must be between 2 and 5, got " + dumps);
    }
    PrintWriter err = spec.commandLine().getErr();
    Path out = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("memdiff-demo-");
    err.println("memdiff: running the demo service; it writes " + dumps + " heap dumps to " + out);
    err.flush();
    List<Path> files = ScenarioRunner.run(LeakyService.class, out, "1", Integer.toString(dumps));
    List<String> args = new ArrayList<>();
    for (Path f : files) {
      args.add(f.toString());
    }
    args.addAll(diffOptions);
    err.println("memdiff: memdiff " + String.join(" ", args));
    err.flush();
    String[] diff = args.toArray(new String[0]);
    return Main.commandLine(diff, spec.commandLine().getOut(), err).execute(diff);
  }
}
