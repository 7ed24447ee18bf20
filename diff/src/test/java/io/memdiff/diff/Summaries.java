package io.memdiff.diff;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.paths.HeapAnalysis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Site summaries of real dumps, as the diff command makes them. */
final class Summaries {
  private Summaries() {}

  static List<SiteSummary> of(List<Path> dumps) throws IOException {
    List<SiteSummary> out = new ArrayList<>();
    for (Path p : dumps) {
      out.add(of(p, LayoutOverrides.NONE));
    }
    return out;
  }

  static SiteSummary of(Path dump, LayoutOverrides layout) throws IOException {
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, layout);
      return SiteSummarizer.summarize(HeapAnalysis.analyse(c, ScanOptions.STRICT, true, x -> {}), dump.toString());
    }
  }

  /** The layout memdiff infers for a dump, to impose on a copy whose addresses say nothing of it. */
  static LayoutOverrides layoutOf(Path dump) throws IOException {
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      return new LayoutOverrides(c.layout().header(), c.layout().refSize(), c.layout().align(), c.fieldBlocks());
    }
  }
}
