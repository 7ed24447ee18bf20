package io.memdiff.engine;

import io.memdiff.diff.DiffEngine;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import io.memdiff.diff.SiteStats;
import io.memdiff.diff.SiteSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Splits the growth of a process's RSS into what the heap diff explains and what it cannot: the
 * heap's live bytes, the direct buffers heap objects own, and the rest (native). The heap is given
 * the larger of its live and its committed growth, so that what is called native is never heap
 * pages the JVM merely took. A Ruby process's heap is its live objects' bytes.
 */
final class MemoryAccounting {
  /** An NMT category is named as changed when its committed bytes moved by this much. */
  static final long NMT_CHANGE_BYTES = 1L << 20;
  /** RSS growth below this (or a twentieth of the first RSS, if more) is the noise of a running JVM. */
  static final long NOISE_FLOOR_BYTES = 8L << 20;
  /** NMT categories whose memory is mapped, not malloc'ed: their growth is no arena's. */
  private static final Set<String> MAPPED_CATEGORIES = Set.of("Java Heap", "Class", "Metaspace", "Thread", "Code",
      "Shared class space", "Shared space", "Thread Stack");

  private MemoryAccounting() {}

  /**
   * @param records per dump its process record, null where there is none
   * @param files per dump the record's file, null where there is none
   */
  static MemoryAccount account(List<SiteSummary> summaries, DiffReport report, List<ProcessRecord> records,
      List<String> files) {
    int n = summaries.size();
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (records.get(i) == null) {
        missing.add(i + 1);
      }
    }
    if (!missing.isEmpty()) {
      return new MemoryAccount(List.of(), new MemoryAccount.Verdict(MemoryAccount.Kind.UNKNOWN, null, null, null, null,
          null, null, null, Map.of(), false, false, 0, List.copyOf(missing), null));
    }
    long[] live = report.heap().bytes();
    long[] offHeap = new long[n];
    for (int i = 0; i < n; i++) {
      for (SiteStats s : summaries.get(i).sites()) {
        offHeap[i] += s.offHeapBytes();
      }
    }
    boolean nmtOff = records.stream().anyMatch(r -> r.nmt() == null);
    Map<String, long[]> nmt = nmtOff ? Map.of() : nmtSeries(records);
    Map<String, Long> grown = new LinkedHashMap<>();
    Set<String> changed = new TreeSet<>();
    nmt.forEach((category, series) -> {
      long g = DiffEngine.growth(series);
      long span = max(series) - min(series);
      if (span >= NMT_CHANGE_BYTES) {
        changed.add(category);
      }
      if (g >= NMT_CHANGE_BYTES && !category.equals("Java Heap")) {
        grown.put(category, g);
      }
    });
    List<MemoryAccount.Dump> dumps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Long> shown = new LinkedHashMap<>();
      for (String c : changed) {
        shown.put(c, nmt.get(c)[i]);
      }
      dumps.add(new MemoryAccount.Dump(files.get(i), records.get(i), live[i], offHeap[i], shown));
    }
    long rssGrowth = DiffEngine.growth(series(records, ProcessRecord::rssBytes));
    long heapGrowth = report.heap().growthBytes();
    long noise = Math.max(NOISE_FLOOR_BYTES, records.get(0).rssBytes() / 20);
    if (records.stream().allMatch(r -> r.ruby() != null)) {
      return new MemoryAccount(List.copyOf(dumps), rubyVerdict(records, rssGrowth, heapGrowth, noise));
    }
    Long committedGrowth = growthOf(records, ProcessRecord::heapCommittedBytes);
    Long metaspaceGrowth = growthOf(records, ProcessRecord::metaspaceBytes);
    long heapPart = Math.max(0, Math.max(heapGrowth, committedGrowth == null ? 0 : committedGrowth));
    long outside = rssGrowth - heapPart;
    long offHeapGrowth = DiffEngine.growth(offHeap);
    long nativeGrowth = outside - Math.max(0, offHeapGrowth);
    MemoryAccount.Kind kind;
    if (rssGrowth < noise) {
      kind = MemoryAccount.Kind.NONE;
    } else if (heapPart >= offHeapGrowth && heapPart >= nativeGrowth) {
      kind = MemoryAccount.Kind.HEAP;
    } else if (offHeapGrowth >= nativeGrowth) {
      kind = MemoryAccount.Kind.OFF_HEAP;
    } else {
      kind = MemoryAccount.Kind.NATIVE;
    }
    long mapped = 0;
    for (Map.Entry<String, Long> e : grown.entrySet()) {
      if (MAPPED_CATEGORIES.contains(e.getKey())) {
        mapped += e.getValue();
      }
    }
    // Fragmentation is invisible to NMT: native growth that no mapped category explains may be malloc's.
    boolean mallocType = nmtOff || mapped < nativeGrowth / 2;
    return new MemoryAccount(List.copyOf(dumps), new MemoryAccount.Verdict(kind, rssGrowth, heapGrowth,
        committedGrowth, outside, offHeapGrowth, metaspaceGrowth, offHeapFinding(report), sortedByGrowth(grown), nmtOff,
        kind == MemoryAccount.Kind.NATIVE && mallocType && glibcDefaults(records), noise, List.of(), null));
  }

  /**
   * A Ruby process: its heap is its live objects' bytes (the dumps' memsize), and whatever else RSS
   * gained is outside it, in free heap-page slots or in malloc.
   */
  private static MemoryAccount.Verdict rubyVerdict(List<ProcessRecord> records, long rssGrowth, long heapGrowth,
      long noise) {
    long outside = rssGrowth - Math.max(0, heapGrowth);
    Long freeSlotGrowth = growthOf(records, r -> r.ruby().freeSlotBytes());
    long mallocGrowth = outside - Math.max(0, freeSlotGrowth == null ? 0 : freeSlotGrowth);
    MemoryAccount.Kind kind = rssGrowth < noise ? MemoryAccount.Kind.NONE
        : Math.max(0, heapGrowth) >= outside ? MemoryAccount.Kind.HEAP : MemoryAccount.Kind.NATIVE;
    MemoryAccount.RubySplit split = new MemoryAccount.RubySplit(freeSlotGrowth, mallocGrowth);
    return new MemoryAccount.Verdict(kind, rssGrowth, heapGrowth, null, outside, null, null, null, Map.of(), false,
        kind == MemoryAccount.Kind.NATIVE && !split.heapPages() && glibcDefaults(records), noise, List.of(), split);
  }

  /** {@code MALLOC_ARENA_MAX} unset and glibc's malloc in every record: the defaults arena fragmentation needs. */
  private static boolean glibcDefaults(List<ProcessRecord> records) {
    return records.stream().allMatch(r -> Boolean.FALSE.equals(r.mallocArenaMaxSet()) && "libc".equals(r.allocator()));
  }

  /** Committed bytes per category per dump; a category NMT left out of a dump's summary had none. */
  private static Map<String, long[]> nmtSeries(List<ProcessRecord> records) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      for (Map.Entry<String, Long> e : records.get(i).nmt().entrySet()) {
        if (e.getValue() != null) {
          out.computeIfAbsent(e.getKey(), k -> new long[records.size()])[i] = e.getValue();
        }
      }
    }
    return out;
  }

  private static Map<String, Long> sortedByGrowth(Map<String, Long> grown) {
    Map<String, Long> out = new LinkedHashMap<>();
    grown.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Finding offHeapFinding(DiffReport report) {
    Finding best = null;
    for (Finding f : report.findings()) {
      if (f.growthOffHeapBytes() > 0 && (best == null || f.growthOffHeapBytes() > best.growthOffHeapBytes())) {
        best = f;
      }
    }
    return best;
  }

  private static long[] series(List<ProcessRecord> records, Function<ProcessRecord, Long> figure) {
    long[] out = new long[records.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = figure.apply(records.get(i));
    }
    return out;
  }

  /** The figure's growth, or null when a record lacks it. */
  private static Long growthOf(List<ProcessRecord> records, Function<ProcessRecord, Long> figure) {
    if (records.stream().anyMatch(r -> figure.apply(r) == null)) {
      return null;
    }
    return DiffEngine.growth(series(records, figure));
  }

  private static long max(long[] v) {
    long m = Long.MIN_VALUE;
    for (long x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static long min(long[] v) {
    long m = Long.MAX_VALUE;
    for (long x : v) {
      m = Math.min(m, x);
    }
    return m;
  }
}
