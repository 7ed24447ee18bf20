package io.memdiff.cli;

import io.memdiff.hprof.BasicType;
import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.InstanceFields;
import io.memdiff.paths.Dominators;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.paths.PathDescriber;
import io.memdiff.paths.Reachability;
import io.memdiff.paths.Step;
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
      "One object: class, shallow and retained bytes, reachability, outbound references by field,",
      "inbound referrers, and its shortest path from a GC root (sheap's 'at' and 'inverse_references').",
      "Field values and string contents are printed only with --show-values: dumps hold secrets."
    },
    footer = {"", "Example:", "  memdiff show app.hprof 0x7ff6a1b20", "  memdiff show app.hprof 0x7ff6a1b20 --show-values"})
final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Parameters(index = "1", paramLabel = "0xADDR", description = "The object's address.")
  String address;

  @Option(names = "--show-values", description = "Print primitive field values and string contents (may reveal secrets).")
  boolean showValues;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = "At most N references and referrers (default: ${DEFAULT-VALUE}).")
  int limit;

  record Ref(String field, String type, String target, String targetClass, String value) {}

  record Document(int schemaVersion, DumpInfo dump, String address, String className, String kind, int length,
      long shallowBytes, long retainedBytes, String reachability, List<Ref> fields, long referrerCount,
      List<Ref> referrers, List<PathCommand.StepOut> path) {}

  @Override
  public Integer call() throws Exception {
    if (limit < 0) {
      throw new UsageException("--limit must not be negative");
    }
    long addr = Addresses.parse(address);
    PrintWriter err = spec.commandLine().getErr();
    try (HprofFile file = dumpOptions.open(dump); Progress progress = new Progress(err)) {
      DumpCatalog catalog = dumpOptions.catalog(file, true);
      Warnings.print(err, catalog);
      HeapAnalysis a = HeapAnalysis.analyse(catalog, dumpOptions.scanOptions(), true, p -> progress.step("memdiff: " + p));
      HeapIndex index = a.index();
      int o = index.indexOf(addr);
      if (o < 0) {
        throw new UsageException(dump + ": no object at " + Addresses.hex(addr));
      }
      Dominators dom = a.dominators();
      PathDescriber describer = new PathDescriber(a.reachability());
      List<Ref> fields = outbound(index, describer, o);
      List<Ref> referrers = new ArrayList<>();
      long[] referrerCount = {0};
      for (int src = 0; src < index.objectCount(); src++) {
        int from = src;
        index.forEachReference(src, (label, target) -> {
          if (target == addr) {
            if (referrers.size() < limit) {
              referrers.add(new Ref(describer.describeLabel(from, label, true), null, Addresses.hex(index.address(from)),
                  index.classOf(from).name(), null));
            }
            referrerCount[0]++;
          }
        });
      }
      List<Step> steps = describer.steps(o, true);
      int[] retainedOf = new int[steps.size() + 1];
      for (int k = 0; k < steps.size(); k++) {
        retainedOf[k] = steps.get(k).object();
      }
      retainedOf[steps.size()] = o;
      long[] retained = dom.retained(retainedOf);
      List<PathCommand.StepOut> path = new ArrayList<>();
      for (int k = 0; k < steps.size(); k++) {
        Step s = steps.get(k);
        path.add(new PathCommand.StepOut(s.edge(), s.className(), Addresses.hex(index.address(s.object())),
            dom.shallow(s.object()), retained[k]));
      }
      String kind = switch (index.kind(o)) {
        case HeapIndex.KIND_CLASS -> "class";
        case HeapIndex.KIND_INSTANCE -> "instance";
        case HeapIndex.KIND_OBJECT_ARRAY -> "object array";
        default -> "primitive array";
      };
      ClassInfo described = index.classDescribedBy(o);
      String className = described != null ? "java.lang.Class (" + described.name() + ")" : index.classOf(o).name();
      Document d = new Document(Json.SCHEMA_VERSION, DumpInfo.of(catalog), Addresses.hex(addr), className, kind,
          index.arrayLength(o), dom.shallow(o), retained[steps.size()], Reachability.labelName(a.reachability().label(o)),
          fields, referrerCount[0], referrers, path);
      if (output.json()) {
        Json.write(spec.commandLine().getOut(), d);
      } else {
        print(spec.commandLine().getOut(), d);
      }
    }
    return ExitCodes.OK;
  }

  private List<Ref> outbound(HeapIndex index, PathDescriber describer, int o) {
    List<Ref> refs = new ArrayList<>();
    InstanceFields values = new InstanceFields(index);
    DumpCatalog catalog = index.catalog();
    if (index.kind(o) == HeapIndex.KIND_INSTANCE) {
      ClassInfo c = index.classOf(o);
      for (int slot = 0; slot < c.fieldCount() && refs.size() < limit; slot++) {
        String name = catalog.strings().getOrPlaceholder(c.fieldNameId(slot));
        int type = c.fieldType(slot);
        long raw = values.raw(o, slot);
        if (type == BasicType.OBJECT) {
          int t = raw == Long.MIN_VALUE || raw == 0 ? -1 : index.indexOf(raw);
          String value = showValues && t >= 0 ? values.string(t) : null;
          refs.add(new Ref(name, "Object", raw == 0 ? "null" : Addresses.hex(raw), t < 0 ? null : index.classOf(t).name(),
              value));
        } else {
          refs.add(new Ref(name, BasicType.name(type), null, null, showValues ? primitive(type, raw) : null));
        }
      }
      return refs;
    }
    index.forEachReference(o, (label, target) -> {
      if (refs.size() < limit && EdgeLabel.kind(label) != EdgeLabel.CLASS_OF) {
        int t = index.indexOf(target);
        refs.add(new Ref(describer.describeLabel(o, label, true), "Object", Addresses.hex(target),
            t < 0 ? null : index.classOf(t).name(), null));
      }
    });
    return refs;
  }

  private static String primitive(int type, long raw) {
    return switch (type) {
      case BasicType.BOOLEAN -> Boolean.toString(raw != 0);
      case BasicType.CHAR -> "'" + (char) raw + "'";
      case BasicType.FLOAT -> Float.toString(Float.intBitsToFloat((int) raw));
      case BasicType.DOUBLE -> Double.toString(Double.longBitsToDouble(raw));
      default -> Long.toString(raw);
    };
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
    out.println("# referrers (" + d.referrerCount() + ")");
    for (Ref r : d.referrers()) {
      out.println("  " + r.target() + "\t" + r.targetClass() + "\t" + r.field());
    }
    out.println("# path from a GC root");
    for (PathCommand.StepOut s : d.path()) {
      out.println("  " + s.edge() + "\t" + s.className() + "\t" + s.address());
    }
  }
}
