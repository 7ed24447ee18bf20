package io.memdiff.engine;

import io.memdiff.diff.OldObjectSamples;
import io.memdiff.diff.SiteSummarizer;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import io.memdiff.paths.HeapAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Site summaries of a diff's inputs, in order: a dump is analysed and dropped once summarized, so
 * memory follows the largest dump, not the number of dumps; a summary file is read.
 */
final class SummaryLoader {
  private final ReadOptions options;
  private final Consumer<String> phase;
  private final Consumer<String> warn;

  SummaryLoader(ReadOptions options, Consumer<String> phase, Consumer<String> warn) {
    this.options = options;
    this.phase = phase;
    this.warn = warn;
  }

  /** One input's summary; the analysis is garbage afterwards, and collected. */
  SiteSummary load(Path input) throws IOException {
    return load(0, input);
  }

  /** @param place the input's place among the diff's inputs (which recording is its, when given) */
  private SiteSummary load(int place, Path input) throws IOException {
    SiteSummary summary = summarize(prepare(place, input, false), () -> {});
    // The next dump's analysis reuses the pages, and the closed dump's mapping is released.
    Memory.collectBetweenPhases();
    return summary;
  }

  /** Every input's summary, {@code parallel} dumps at a time (one: in turn, reading the next ahead). */
  List<SiteSummary> loadAll(List<Path> inputs, int parallel) throws IOException {
    return parallel == 1 ? loadInTurn(inputs) : loadAtOnce(inputs, parallel);
  }

  private List<SiteSummary> loadAtOnce(List<Path> inputs, int parallel) throws IOException {
    Semaphore room = new Semaphore(parallel);
    List<CompletableFuture<SiteSummary>> futures = new ArrayList<>();
    for (int k = 0; k < inputs.size(); k++) {
      int place = k;
      Path p = inputs.get(k);
      futures.add(Tasks.async("memdiff-dump", () -> {
        room.acquireUninterruptibly();
        try {
          return load(place, p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          room.release();
        }
      }));
    }
    List<SiteSummary> out = new ArrayList<>();
    for (CompletableFuture<SiteSummary> f : futures) {
      out.add(join(f));
    }
    return out;
  }

  /**
   * One dump at a time, reading the next one ahead: once a dump's shortest paths are found, its
   * dominator tree and sites take a core or two for a while, and the next dump's catalogue (and its
   * index, when the heap has room for it beside this analysis) is read on another thread meanwhile.
   * No full collection between dumps here: it would stop the read-ahead, and the collector reclaims
   * the dead analysis's big arrays when the next dump's allocations need the room anyway. A heap
   * larger than the machine's memory (mapped from a file) reads nothing ahead: the next dump's pages
   * would push out the analysis's own.
   */
  private List<SiteSummary> loadInTurn(List<Path> inputs) throws IOException {
    List<SiteSummary> out = new ArrayList<>();
    boolean readsAhead = Memory.heapFitsMachine();
    Input current = prepare(0, inputs.get(0), false);
    for (int i = 0; i < inputs.size(); i++) {
      Path next = i + 1 < inputs.size() && readsAhead ? inputs.get(i + 1) : null;
      int place = i + 1;
      List<CompletableFuture<Input>> ahead = new ArrayList<>(1);
      Runnable readAhead = () -> {
        if (next != null) {
          ahead.add(Tasks.async("memdiff-read-ahead", () -> {
            try {
              return prepare(place, next, true);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }));
        }
      };
      try {
        out.add(summarize(current, readAhead));
      } catch (IOException | RuntimeException | Error e) {
        for (CompletableFuture<Input> f : ahead) {
          f.thenAccept(Input::closeQuietly);
        }
        throw e;
      }
      if (next != null) {
        current = join(ahead.get(0)); // summarize ran readAhead, whatever the input
      } else if (i + 1 < inputs.size()) {
        current = prepare(i + 1, inputs.get(i + 1), false);
      }
    }
    return out;
  }

  /** Waits for work on another thread; I/O errors come out as themselves. */
  private static <T> T join(CompletableFuture<T> f) throws IOException {
    try {
      return Tasks.join(f);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** A diff input made ready for {@link #summarize}: a summary file read, or a dump opened and catalogued. */
  private record Input(Path path, SiteSummary summary, HprofFile file, DumpCatalog catalog, HeapIndex index,
      OldObjectSamples samples) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (file != null) {
        file.close();
      }
    }

    void closeQuietly() {
      try {
        close();
      } catch (IOException e) {
        // already failing for another reason
      }
    }
  }

  /**
   * @param indexWhenRoomy index the dump too if the heap has room for its index beside what is live
   *     now (another dump's analysis, when the caller reads ahead)
   */
  private Input prepare(int place, Path input, boolean indexWhenRoomy) throws IOException {
    if (SummaryFiles.isSummaryFile(input)) {
      return new Input(input, SummaryFiles.read(input), null, null, null, null);
    }
    HprofFile file = HprofFile.open(input, options.tmpDir(), options.windowSize());
    try {
      phase.accept("reading " + input);
      // Read ahead, the dump is catalogued beside another's analysis: it is not to keep its objects
      // for the index then (12 bytes each more at that peak), but read them again if there is room.
      DumpCatalog catalog = DumpCatalog.build(file, options.scanOptions(), options.layoutOverrides(), !indexWhenRoomy);
      OpenDump.warnings(catalog).forEach(warn);
      HeapIndex index = null;
      if (indexWhenRoomy && roomForIndex(catalog)) {
        phase.accept("indexing objects of " + input);
        index = HeapIndex.build(catalog, options.scanOptions());
      }
      return new Input(input, null, file, catalog, index, Recordings.read(options.recordingFor(place, input), input, warn));
    } catch (IOException | RuntimeException | Error e) {
      file.close();
      throw e;
    }
  }

  /**
   * The index takes about 16 bytes per object once built and as much again while it is built; twice
   * that, to leave the analysis it is built beside room to finish.
   */
  private static boolean roomForIndex(DumpCatalog catalog) {
    long free = Memory.freeHeap();
    return free > 64 * catalog.objects();
  }

  /**
   * Analyses and summarizes a prepared input, then closes it.
   *
   * @param afterSearch run once the shortest paths are found, while the rest of the analysis goes
   *     on: when the caller reads the next input ahead
   */
  private SiteSummary summarize(Input input, Runnable afterSearch) throws IOException {
    if (input.summary() != null) {
      afterSearch.run();
      return input.summary();
    }
    try (input) {
      Consumer<String> of = p -> phase.accept(p + " of " + input.path());
      HeapAnalysis analysis = input.index() != null
          ? HeapAnalysis.analyse(input.index(), true, of)
          : HeapAnalysis.analyse(input.catalog(), options.scanOptions(), true, of); // indexes it first
      afterSearch.run();
      phase.accept("summarizing sites of " + input.path());
      return SiteSummarizer.summarize(analysis, input.path().toString(), input.samples(), warn);
    }
  }
}
