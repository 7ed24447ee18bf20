package io.memdiff.engine;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.ScanResult;
import io.memdiff.hprof.work.Memory;
import io.memdiff.paths.HeapAnalysis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A dump opened and catalogued (its classes, counts and roots known), ready to be analysed. */
public final class OpenDump implements AutoCloseable {
  private final HprofFile file;
  private final DumpCatalog catalog;
  private final ReadOptions options;

  private OpenDump(HprofFile file, DumpCatalog catalog, ReadOptions options) {
    this.file = file;
    this.catalog = catalog;
    this.options = options;
  }

  /** @param forAnalysis the dump will be indexed next: its objects' records are kept for it */
  static OpenDump open(Path path, ReadOptions options, boolean forAnalysis, Consumer<String> phase) throws IOException {
    HprofFile file = HprofFile.open(path, options.tmpDir(), options.windowSize());
    try {
      phase.accept("reading " + path);
      DumpCatalog catalog = DumpCatalog.build(file, options.scanOptions(), options.layoutOverrides(), forAnalysis);
      return new OpenDump(file, catalog, options);
    } catch (IOException | RuntimeException | Error e) {
      file.close();
      throw e;
    }
  }

  public DumpInfo info() {
    return DumpInfo.of(catalog);
  }

  public Path path() {
    return catalog.file().path();
  }

  /** What a lenient read lost or skipped, one sentence each (empty when the dump was read whole). */
  public List<String> warnings() {
    return warnings(catalog);
  }

  static List<String> warnings(DumpCatalog catalog) {
    ScanResult s = catalog.scan();
    String file = catalog.file().path().toString();
    List<String> out = new ArrayList<>();
    if (s.truncated()) {
      out.add(file + ": " + s.truncationReason() + "; read up to offset 0x" + Long.toHexString(s.truncatedAt()) + ", "
          + s.lostBytes() + " bytes lost");
    }
    if (catalog.file().ruby() != null) {
      for (String loss : catalog.file().ruby().losses()) {
        out.add(file + ": " + loss);
      }
    }
    if (s.unknownSubRecords() > 0) {
      out.add(file + ": skipped the rest of " + s.unknownSubRecords() + " segment(s) at unknown sub-records");
    }
    return out;
  }

  /**
   * Classes with at least one instance that {@code filter} accepts by name, biggest shallow size
   * first, ties by count then name.
   */
  public List<ClassRow> classes(Predicate<String> filter) {
    return classesOf(catalog, filter, null, null);
  }

  static List<ClassRow> classesOf(DumpCatalog catalog, Predicate<String> filter, long[] retained, long[] unreachable) {
    List<ClassRow> rows = new ArrayList<>();
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      long n = catalog.countOf(i);
      if (n > 0 && filter.test(c.name())) {
        rows.add(new ClassRow(c.name(), n, catalog.shallowBytesOf(i), retained == null ? null : retained[i],
            unreachable == null ? null : unreachable[i]));
      }
    }
    Comparator<ClassRow> bySize = retained != null
        ? Comparator.comparingLong(ClassRow::retainedBytes).reversed()
        : Comparator.comparingLong(ClassRow::shallowBytes).reversed();
    rows.sort(bySize.thenComparing(Comparator.comparingLong(ClassRow::shallowBytes).reversed())
        .thenComparing(Comparator.comparingLong(ClassRow::count).reversed())
        .thenComparing(ClassRow::name));
    return rows;
  }

  /** Fails with {@link NotInDumpException} unless the dump has a class of this name: before a long analysis. */
  public void requireClass(String className) {
    classesNamed(catalog, className);
  }

  static boolean[] classesNamed(DumpCatalog catalog, String className) {
    boolean known = false;
    boolean[] named = new boolean[catalog.classCount()];
    for (int i = 0; i < catalog.classCount(); i++) {
      named[i] = catalog.classAt(i).name().equals(className);
      known |= named[i];
    }
    if (!known) {
      throw new NotInDumpException(catalog.file().path() + ": no class named " + className);
    }
    return named;
  }

  /**
   * What the dump holds and what is odd about it: indexes it and reads every reference once, where
   * the heap has room for the index; else the catalogue's facts alone ({@code warn} hears which
   * checks were left out).
   */
  public Map<String, Object> facts(Consumer<String> phase, Consumer<String> warn) throws IOException {
    if (!roomForIndex()) {
      warn.accept(path() + ": " + String.format(Locale.ROOT, "%,d", catalog.objects()) + " objects are too many to"
          + " index in this Java heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MB): dangling references"
          + " and roots, duplicate objects and the records' address order are not checked");
      return DumpFacts.of(catalog, null);
    }
    phase.accept("indexing objects of " + path());
    HeapIndex index = HeapIndex.build(catalog, options.scanOptions());
    phase.accept("checking references of " + path());
    return DumpFacts.of(catalog, index);
  }

  /** Room for the index's columns and lookup table, about 12 bytes per object, beside what is live now. */
  private boolean roomForIndex() {
    Memory.collectBetweenPhases();
    long free = Memory.freeHeap();
    return free > 14 * catalog.objects() + (64L << 20);
  }

  /**
   * Indexes the dump, builds its reference graph, shortest paths and dominator tree, and reads the
   * JFR recording beside it if there is one ({@code warn} hears when it cannot be read).
   */
  public AnalysedDump analyse(Consumer<String> phase, Consumer<String> warn) throws IOException {
    HeapAnalysis analysis = HeapAnalysis.analyse(catalog, options.scanOptions(), true, phase);
    return new AnalysedDump(analysis, Recordings.read(options.recordingFor(0, path()), path(), warn));
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
