package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memdiff.engine.AnalysedDump;
import io.memdiff.engine.DumpInfo;
import io.memdiff.engine.Engine;
import io.memdiff.engine.OpenDump;
import io.memdiff.paths.ObjectReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "One object: class, shallow and retained bytes, reachability, outbound references by field,"
          + " inbound referrers, and its shortest path from a GC root (sheap's 'at' and 'inverse_references')."
          + " Field values and string contents are printed only with --show-values: dumps hold secrets."
    },
    footer = {"", "Example:", "  memdiff show app.hprof 0x7ff6a1b20", "  memdiff show app.hprof 0x7ff6a1b20 --show-values"})
final class ShowCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Parameters(index = "1", paramLabel = "0xADDR", description = "The object's address.")
  String address;

  @Option(names = "--show-values", description = "Print primitive field and static values, string contents and a primitive array's elements"
          + " (up to --limit); they may reveal secrets.")
  boolean showValues;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = "At most N references and referrers (default: ${DEFAULT-VALUE}).")
  int limit;

  record Ref(String field, String type, String target, String targetClass, String value) {}

  record Document(int schemaVersion, DumpInfo dump, String address, String className, String kind, int length,
      long shallowBytes, long retainedBytes, String reachability, List<Ref> fields, long fieldCount, long referrerCount,
      List<Ref> referrers, List<PathCommand.StepOut> path,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DiffRenderer.StackOut> allocationStacks) {}

  @Override
  public List<Path> analysedDumps() {
    return dump != null ? List.of(dump) : List.of();
  }

  @Override
  public DumpOptions dumpOptions() {
    return dumpOptions;
  }

  @Override
  public Integer call() throws Exception {
    output.requireTextOrJson("show");
    if (limit < 0) {
      throw new UsageException("--limit must not be negative");
    }
    long addr = Addresses.parse(address);
    PrintWriter err = spec.commandLine().getErr();
    try (Progress progress = new Progress(err);
        OpenDump dump = Engine.open(this.dump, dumpOptions.readOptions(1), progress::phase)) {
      Warnings.print(err, dump.warnings());
      AnalysedDump analysed = dump.analyse(progress::phase, Warnings.to(err));
      ObjectReport r = analysed.object(addr, limit, showValues);
      Document d = new Document(Json.SCHEMA_VERSION, dump.info(), Addresses.hex(r.address()), r.className(), r.kind(),
          r.length(), r.shallowBytes(), r.retainedBytes(), r.reachability(), refs(r.fields()), r.fieldCount(), r.referrerCount(),
          refs(r.referrers()), PathCommand.StepOut.of(r.path()), DiffRenderer.stacks(analysed.allocationStacksOf(addr)));
      if (output.json()) {
        Json.write(spec.commandLine().getOut(), d);
      } else {
        print(spec.commandLine().getOut(), d);
      }
    }
    return ExitCodes.OK;
  }

  private static List<Ref> refs(List<ObjectReport.Ref> refs) {
    List<Ref> out = new ArrayList<>(refs.size());
    for (ObjectReport.Ref r : refs) {
      String target = r.target() == null ? null : r.target() == 0 ? "null" : Addresses.hex(r.target());
      out.add(new Ref(r.field(), r.type(), target, r.targetClass(), r.value()));
    }
    return out;
  }

  /** Says that --limit cut a list, and by how much. */
  private void cut(PrintWriter out, int shown, long all) {
    if (shown < all) {
      out.println("  … " + (all - shown) + " more (--limit " + limit + "; raise it to see them)");
    }
  }

  private void print(PrintWriter out, Document d) {
    out.println("object\t" + d.address());
    out.println("class\t" + d.className());
    out.println("kind\t" + d.kind() + (d.length() >= 0 ? "\tlength " + d.length() : ""));
    out.println("shallow_bytes\t" + output.bytes(d.shallowBytes()));
    out.println("retained_bytes\t" + output.bytes(d.retainedBytes()));
    out.println("reachability\t" + d.reachability());
    out.println("# references");
    for (Ref r : d.fields()) {
      StringBuilder s = new StringBuilder("  ").append(r.field()).append('\t').append(r.type());
      if (r.target() != null) {
        s.append('\t').append(r.target());
        if (r.targetClass() != null) {
          s.append('\t').append(r.targetClass());
        }
      }
      if (r.value() != null) {
        s.append("\t= ").append(r.value());
      }
      out.println(s);
    }
    cut(out, d.fields().size(), d.fieldCount());
    out.println("# referrers (" + d.referrerCount() + ")");
    for (Ref r : d.referrers()) {
      out.println("  " + r.target() + "\t" + r.targetClass() + "\t" + r.field());
    }
    cut(out, d.referrers().size(), d.referrerCount());
    out.println("# path from a GC root");
    for (PathCommand.StepOut s : d.path()) {
      out.println("  " + s.edge() + "\t" + s.className() + "\t" + s.address());
    }
    if (!d.allocationStacks().isEmpty()) {
      out.println("# allocated at (sampled by the recording beside the dump)");
      for (String frame : d.allocationStacks().get(0).frames()) {
        out.println("  " + Text.safe(frame));
      }
    }
  }
}
