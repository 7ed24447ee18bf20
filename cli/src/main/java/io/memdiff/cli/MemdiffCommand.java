package io.memdiff.cli;

import io.memdiff.diff.DiffOptions;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import io.memdiff.diff.Grouping;
import io.memdiff.diff.SiteSummary;
import io.memdiff.engine.Engine;
import io.memdiff.engine.MemoryAccount;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "memdiff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Diff JVM heap dumps (HPROF) by what is retained: which sites grow between dumps, where they are"
          + " held from a GC root, and whether the growth is a leak, bloat or transient.",
      "",
      "With three dumps A B C (heapy's technique), growth is what appeared between A and B and is still"
          + " there in C: min(B, C) - A. With two, B - A. Sites are keyed by class and folded GC-root path (or"
          + " allocation frame, where the dump records one), so they match across dumps although objects move.",
      "",
      "Heap dumps hold secrets: memdiff never prints string contents or field values unless asked"
          + " (show --show-values)."
    },
    footer = {"", "Exit codes: 0 ok, 1 a --fail-* threshold was crossed, 2 bad usage, 3 a dump could not be read,"
        + " 4 internal error, 5 an output file could not be written.", "", "Examples:", "  memdiff a.hprof b.hprof c.hprof | grep com.acme",
        "  memdiff a.hprof b.hprof c.hprof --format json --top 20",
        "  memdiff base.sites.json today.hprof --fail-on-growth 10MB --ignore known-sites.txt",
        "  memdiff a.hprof b.hprof c.hprof --write-baseline known.txt; later: ... --fail-on-leak --baseline known.txt",
        "  memdiff a.hprof b.hprof c.hprof --fail-on-leak --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
        "  memdiff a.hprof b.hprof c.hprof --fail-on-total-growth 50MiB --format junit --annotations github > memdiff.xml",
        "  memdiff a.hprof b.hprof c.hprof --format html > report.html"})
final class MemdiffCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin GlobalOptions global;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(paramLabel = "DUMP", arity = "0..*",
      description = "Two or more dumps of one program, oldest first (.hprof, .hprof.gz, or site summaries).")
  List<Path> dumps = new ArrayList<>();

  @Option(names = "--top", paramLabel = "N", description = "Only the N findings with the biggest growth.")
  Integer top;

  @Option(names = "--min-bytes", paramLabel = "SIZE", defaultValue = "1024", converter = SizeConverter.class,
      description = "Only findings whose bytes grew by at least SIZE (default: ${DEFAULT-VALUE}; 0 shows every growing site)."
          + " Sizes are bytes or take a unit: 10MB, 512KiB, 1.5GiB (kB, MB, GB in 1000s; KiB, MiB, GiB in 1024s).")
  long minBytes;

  @Option(names = "--include", paramLabel = "GLOB", description = "Only sites whose class or path matches (repeatable).")
  List<String> includes;

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out sites whose class or path matches (repeatable).")
  List<String> excludes;

  @Option(names = "--unreachable",
      description = "Report objects no GC root reaches too (left out by default: the next collection frees them).")
  boolean unreachable;

  @Option(names = "--ignore", paramLabel = "FILE",
      description = "Known sites to leave out: one site key or class name per line, # comments (see --format json 'key').")
  Path ignore;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "Findings already known, as --write-baseline wrote them: they cross no --fail-on-growth or"
          + " --fail-on-leak gate and are marked (baseline); entries no finding matches are listed on stderr as stale.")
  Path baselineFile;

  @Option(names = "--write-baseline", paramLabel = "FILE",
      description = "Record today's findings in FILE (each key under a comment saying what it was), for --baseline.")
  Path writeBaseline;

  @Option(names = "--by", paramLabel = "LEVEL", defaultValue = "site", converter = GroupingWord.class,
      description = "Group by site (default), class, package or allocation (the allocating frame of each site's most"
          + " sampled stack, from the recordings beside the dumps); a group's bytes are its objects' own.")
  Grouping by;

  @Option(names = "--examples", paramLabel = "N", defaultValue = "3",
      description = "Example object addresses per site from the last dump (default: ${DEFAULT-VALUE}), for 'memdiff path --id'.")
  int examples;

  @Option(names = "--frames", paramLabel = "N", defaultValue = "1",
      description = "Allocation frames per line, from the first outside the JDK (default: ${DEFAULT-VALUE}; 0 for none);"
          + " stacks come from k.jfr beside k.hprof (memdiff capture writes both).")
  int frames;

  @Option(names = "--no-paths", description = "Only the findings' lines: no owner paths, no other sites.")
  boolean noPaths;

  @Option(names = "--parallel", paramLabel = "N",
      description = "Analyse up to N dumps at a time (default: 1). Each needs its own memory, and they share the cores.")
  Integer parallel;

  @Option(names = "--fail-on-growth", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Exit 1 when a finding's bytes grew by SIZE or more (CI gate; 10MB, 512KiB or bytes).")
  Long failOnGrowth;

  @Option(names = "--fail-on-leak",
      description = "Exit 1 when a finding has the leak shape (grows at every step; needs three or more dumps) and passes --min-bytes.")
  boolean failOnLeak;

  @Option(names = "--fail-on-total-growth", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Exit 1 when the whole heap's bytes grew by SIZE or more (the closing heap line's growth, diffed as"
          + " findings are; 10MB, 512KiB or bytes).")
  Long failOnTotalGrowth;

  @Option(names = "--fail-on-growth-outside-heap", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Exit 1 when the process's RSS grew by SIZE or more outside the heap (the verdict line's"
          + " growth: direct buffers and native memory; 10MB, 512KiB or bytes). Needs a process record per dump.")
  Long failOnGrowthOutsideHeap;

  @Option(names = "--proc", paramLabel = "FILE", split = ",",
      description = "The process record of each dump, in the dumps' order (default: k.proc.json beside k.hprof,"
          + " as memdiff capture writes them); the closing lines then say whether the heap explains the growth of RSS.")
  List<Path> procFiles;

  enum AnnotationStyle { github }

  @Option(names = "--annotations", paramLabel = "STYLE",
      description = "Also print CI annotations on stderr, whatever the format: 'github' writes ::error for each finding"
          + " that crosses a --fail-* gate and ::warning for the others (GitHub Actions reads workflow commands from"
          + " stderr too, so stdout keeps only the report).")
  AnnotationStyle annotations;

  @Override
  public List<Path> analysedDumps() {
    return dumps;
  }

  @Override
  public int atOnce() {
    return parallel != null ? Math.max(1, parallel) : 1;
  }

  @Override
  public DumpOptions dumpOptions() {
    return dumpOptions;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (dumps.isEmpty()) {
      err.println("memdiff: give two or more dumps to diff, or try 'memdiff demo' to see it on generated dumps.");
      spec.commandLine().usage(err);
      return ExitCodes.USAGE;
    }
    if (dumps.size() < 2) {
      throw new UsageException("a diff needs at least two dumps, got 1 (for one dump: memdiff histo|summary|path)");
    }
    if (failOnLeak && dumps.size() < 3) {
      // With two dumps no shape can tell a leak from a cache that filled up: every growing site is
      // 'grew', so the gate would pass whatever grew.
      throw new UsageException("--fail-on-leak needs three or more dumps (with two, growth has no shape);"
          + " gate two dumps with --fail-on-growth SIZE");
    }
    if (top != null && top < 0 || examples < 0 || frames < 0) {
      throw new UsageException("--top, --examples and --frames must not be negative");
    }
    Set<String> ignored = ignore == null ? Set.of() : KeyFile.read("--ignore", ignore);
    Baseline baseline = baselineFile == null ? null : Baseline.read(baselineFile);
    int threads = parallel != null ? parallel : 1;
    if (threads < 1) {
      throw new UsageException("--parallel must be at least 1, got " + threads);
    }
    ProcessInputs processes = ProcessInputs.read(dumps, procFiles, err);
    if (failOnGrowthOutsideHeap != null && !processes.complete()) {
      // A gate that cannot judge would pass whatever grew.
      throw new UsageException("--fail-on-growth-outside-heap needs a process record for every dump (k.proc.json"
          + " beside k.hprof, as memdiff capture writes them, or --proc FILE,...)");
    }
    List<SiteSummary> summaries;
    try (Progress progress = new Progress(err).dumps(dumps.stream().map(Path::toString).toList())) {
      summaries = Engine.summarizeAll(dumps, dumpOptions.readOptions(dumps.size()), threads, progress::phase, Warnings.to(err));
    }
    warnOfLayouts(summaries, err);
    DiffOptions options = new DiffOptions(by, minBytes,
        Glob.filter(includes, excludes), ignored, unreachable);
    DiffReport report = Engine.diff(summaries, options);
    List<Finding> findings = report.findings();
    if (top != null && findings.size() > top) {
      findings = findings.subList(0, top);
    }
    MemoryAccount memory = Engine.accountMemory(summaries, report, processes.records(), processes.files());
    Gates gates = new Gates(failOnGrowth, failOnLeak, failOnTotalGrowth, baseline == null ? Baseline.NONE : baseline,
        failOnGrowthOutsideHeap);
    DiffRenderer renderer = new DiffRenderer(output, !noPaths, examples, frames, baseline);
    MemoryRenderer memoryRenderer = new MemoryRenderer(output, dumps.size());
    PrintWriter out = spec.commandLine().getOut();
    switch (output.format) {
      case json -> Json.write(out, renderer.json(report, findings, memory, memoryRenderer));
      case markdown -> new MarkdownReport(output).write(out, report, findings, memory, memoryRenderer);
      case junit -> new JUnitReport(gates).write(out, report, gates.reported(report.findings(), findings), memory.verdict());
      case html -> HtmlReport.write(out, renderer.json(report, findings, memory, memoryRenderer));
      case text -> {
        renderer.text(out, report, findings);
        memoryRenderer.text(out, memory);
      }
    }
    out.flush();
    if (Boolean.getBoolean(Main.ARCHIVING) && output.format != OutputOptions.Format.json) {
      // Only JSON loads Jackson: the run that makes the class archive writes the JSON report too,
      // unseen, so that a JSON run starts from the archive as a text run does.
      Json.write(new PrintWriter(Writer.nullWriter()), renderer.json(report, findings, memory, memoryRenderer));
    }
    if (annotations == AnnotationStyle.github) {
      new GithubAnnotations(gates).write(err, report, gates.reported(report.findings(), findings));
    }
    if (baseline != null) {
      for (String stale : baseline.stale(report.findings())) {
        err.println("memdiff: baseline: stale entry " + stale + " (no such finding now)");
      }
    }
    if (writeBaseline != null) {
      // Every finding, not only those --top shows, since the gates judge every finding.
      Baseline.write(writeBaseline, report.findings());
    }
    return gate(gates, report, memory, err);
  }

  /**
   * Sizes are estimates from a layout the dump does not record; dumps of one program under other JVM
   * options (compressed oops on or off, compact headers) give every object another size, so their
   * byte growth says nothing of the program.
   */
  private static void warnOfLayouts(List<SiteSummary> summaries, PrintWriter err) {
    String first = summaries.get(0).dump().layout();
    for (SiteSummary s : summaries) {
      String layout = s.dump().layout();
      if (first != null && layout != null && !layout.equals(first)) {
        err.println("memdiff: warning: the dumps' object layouts differ (" + summaries.get(0).dump().path() + ": " + first
            + "; " + s.dump().path() + ": " + layout + "): their bytes differ with the layout, compare their counts");
        return;
      }
    }
  }

  private static int gate(Gates gates, DiffReport report, MemoryAccount memory, PrintWriter err) {
    List<String> crossed = new ArrayList<>();
    for (Finding f : report.findings()) {
      String why = gates.crossed(f);
      // Escaped: GitHub's runner reads workflow commands from stderr too, and a line break in a name
      // from the dump would let it start one.
      if (why != null) {
        crossed.add(why + ": " + Text.safe(f.className()) + "  " + Text.safe(f.site()));
      }
    }
    String heap = gates.crossed(report.heap());
    if (heap != null) {
      crossed.add(heap);
    }
    String outside = gates.crossed(memory.verdict());
    if (outside != null) {
      crossed.add(outside);
    }
    for (String c : crossed) {
      err.println("memdiff: threshold crossed: " + c);
    }
    return crossed.isEmpty() ? ExitCodes.OK : ExitCodes.THRESHOLD;
  }
}
