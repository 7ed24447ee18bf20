package io.memdiff.engine;

import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.MappedFile;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.diff.OldObjectSamples;
import java.nio.file.Path;
import java.util.List;

/**
 * How to read a dump.
 *
 * @param dumpIndex which heap dump of a file that holds several (0: the first)
 * @param lenient read a truncated dump up to its last complete record instead of failing
 * @param tmpDir where a gzip dump is inflated; null for the system's temp dir
 * @param objectHeader object header bytes, null to infer them from the dump
 * @param refSize reference bytes, null to infer them
 * @param align object alignment, null to infer it
 * @param windowSize bytes per mapped window (tests use small ones to cover reads across window edges)
 * @param recordings JFR recordings for the dumps, one per dump in their order; empty to read
 *     {@code k.jfr} beside {@code k.hprof} where there is one
 */
public record ReadOptions(int dumpIndex, boolean lenient, Path tmpDir, Integer objectHeader, Integer refSize,
    Integer align, int windowSize, List<Path> recordings) {

  public static ReadOptions defaults() {
    return new ReadOptions(0, false, null, null, null, null, MappedFile.DEFAULT_WINDOW_SIZE, List.of());
  }

  /** The recording for the dump at this place among the inputs: the one given, else the one beside it. */
  Path recordingFor(int place, Path dump) {
    return recordings.isEmpty() ? OldObjectSamples.besideDump(dump) : recordings.get(place);
  }

  ScanOptions scanOptions() {
    return new ScanOptions(dumpIndex, lenient);
  }

  LayoutOverrides layoutOverrides() {
    return new LayoutOverrides(objectHeader, refSize, align);
  }
}
