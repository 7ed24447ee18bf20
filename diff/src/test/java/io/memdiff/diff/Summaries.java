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
      try (HprofFile f = HprofFile.open(p)) {
        DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
        out.add(SiteSummarizer.summarize(
            HeapAnalysis.analyse(c, ScanOptions.STRICT, true, x -> {}), p.toString()));
      }
    }
    return out;
  }
}
