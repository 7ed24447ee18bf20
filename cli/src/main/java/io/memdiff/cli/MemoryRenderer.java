package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memdiff.diff.Finding;
import io.memdiff.engine.MemoryAccount;
import io.memdiff.engine.ProcessRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Words a {@link MemoryAccount}: a {@code process} line per dump and one {@code verdict} line that
 * says which part of the process explains the growth of RSS and what to do next, or their JSON.
 */
final class MemoryRenderer {
  /** The flag that makes the JVM count its native memory by category. */
  static final String NMT_FLAG = "-XX:NativeMemoryTracking=summary";

  private final OutputOptions output;
  private final int dumps;

  /** @param dumps how many dumps the diff has */
  MemoryRenderer(OutputOptions output, int dumps) {
    this.output = output;
    this.dumps = dumps;
  }

  void text(PrintWriter out, MemoryAccount account) {
    int k = 1;
    for (MemoryAccount.Dump d : account.dumps()) {
      ProcessRecord r = d.record();
      StringBuilder line = new StringBuilder("process  dump ").append(k++);
      field(line, "rss", r.rssBytes());
      field(line, "anon", r.rssAnonBytes());
      field(line, "heap-live", d.heapLiveBytes());
      if (r.ruby() != null) {
        field(line, "memsize-of-all", r.ruby().memsizeOfAll());
        field(line, "free-slots", r.ruby().freeSlotBytes());
      } else {
        field(line, "heap-committed", r.heapCommittedBytes());
        field(line, "off-heap", d.offHeapBytes());
        field(line, "metaspace", r.metaspaceBytes());
      }
      if (!d.nmtChanged().isEmpty()) {
        line.append("  nmt ").append(d.nmtChanged().entrySet().stream()
            .map(e -> e.getKey() + " " + output.bytes(e.getValue())).collect(Collectors.joining(", ")));
      }
      out.println(line);
    }
    MemoryAccount.Verdict v = account.verdict();
    out.println("verdict  " + v.kind().label() + "  " + sentence(v));
  }

  private void field(StringBuilder line, String name, Long bytes) {
    if (bytes != null) {
      line.append("  ").append(name).append(' ').append(output.bytes(bytes));
    }
  }

  /** What the verdict rests on and what to do next, in one sentence. */
  String sentence(MemoryAccount.Verdict v) {
    switch (v.kind()) {
      case UNKNOWN -> {
        return "process memory is unknown: " + (v.missingDumps().size() == dumps
            ? "no process record beside the dumps" : "no process record for dump " + v.missingDumps().stream()
            .map(String::valueOf).collect(Collectors.joining(", ")))
            + " (memdiff capture writes k.proc.json beside k.hprof; or give --proc FILE,...)";
      }
      case NONE -> {
        return "RSS grew by " + signed(v.rssGrowthBytes()) + ", within the noise of a running process ("
            + output.bytes(v.noiseBytes()) + "): nothing to explain";
      }
      case HEAP -> {
        if (v.ruby() != null) {
          return "RSS grew by " + signed(v.rssGrowthBytes()) + "; the live objects' bytes (memsize) grew by "
              + signed(v.heapGrowthBytes()) + ", which the findings above explain";
        }
        long committed = v.heapCommittedGrowthBytes() == null ? 0 : v.heapCommittedGrowthBytes();
        // A growing heap commits ahead of what it holds; live bytes explain RSS when they are half of it.
        if (v.heapGrowthBytes() * 2 >= Math.min(v.rssGrowthBytes(), Math.max(committed, v.heapGrowthBytes()))) {
          return "RSS grew by " + signed(v.rssGrowthBytes()) + "; the heap's live bytes grew by "
              + signed(v.heapGrowthBytes()) + (v.heapCommittedGrowthBytes() == null ? ""
              : " (committed " + signed(committed) + ")") + ", which the findings above explain";
        }
        return "RSS grew by " + signed(v.rssGrowthBytes()) + "; the committed heap grew by " + signed(committed)
            + " while its live bytes grew by " + signed(v.heapGrowthBytes())
            + ": the JVM took heap it holds no live objects in (garbage and heap sizing, not a leak; -Xmx caps it)";
      }
      case OFF_HEAP -> {
        Finding f = v.offHeapFinding();
        return "RSS grew by " + signed(v.rssGrowthBytes()) + "; direct buffers that heap objects own grew by "
            + signed(v.offHeapGrowthBytes()) + (f == null ? "" : ", most in the finding " + Text.safe(f.className())
            + " held by " + Text.safe(f.owner()) + " (" + signed(f.growthOffHeapBytes()) + " off-heap)");
      }
      default -> {
        return v.ruby() != null ? rubyOutsideSentence(v) : nativeSentence(v);
      }
    }
  }

  private String nativeSentence(MemoryAccount.Verdict v) {
    StringBuilder s = new StringBuilder("RSS grew by ").append(signed(v.rssGrowthBytes()))
        .append(", outside every Java structure the dumps see ").append(signed(v.outsideHeapGrowthBytes()))
        .append(" (heap live ").append(signed(v.heapGrowthBytes())).append(", direct buffers ")
        .append(signed(v.offHeapGrowthBytes()));
    if (v.metaspaceGrowthBytes() != null) {
      s.append(", metaspace ").append(signed(v.metaspaceGrowthBytes()));
    }
    s.append(")");
    if (v.nmtOff()) {
      s.append("; the JVM ran without Native Memory Tracking: restart it with ").append(NMT_FLAG)
          .append(" and capture again to name the category that grows");
    } else if (v.nmtGrown().isEmpty()) {
      s.append("; no Native Memory Tracking category grew: memory the JVM does not count (a native library's"
          + " malloc, or memory freed but kept by the allocator)");
    } else {
      s.append("; Native Memory Tracking names ").append(v.nmtGrown().entrySet().stream()
          .map(e -> e.getKey() + " " + signed(e.getValue())).collect(Collectors.joining(", ")));
    }
    if (v.arenaSuspect()) {
      s.append("; MALLOC_ARENA_MAX is unset and neither jemalloc nor tcmalloc is loaded: glibc malloc arena"
          + " fragmentation is a known cause, tested by restarting with MALLOC_ARENA_MAX=2 (or jemalloc through"
          + " LD_PRELOAD) and comparing RSS");
    }
    return s.toString();
  }

  /** Growth outside a Ruby process's live objects: free heap-page slots, or malloc's. */
  private String rubyOutsideSentence(MemoryAccount.Verdict v) {
    MemoryAccount.RubySplit split = v.ruby();
    StringBuilder s = new StringBuilder("RSS grew by ").append(signed(v.rssGrowthBytes()))
        .append(", outside the Ruby object heap's live bytes ").append(signed(v.outsideHeapGrowthBytes()))
        .append(" (live objects ").append(signed(v.heapGrowthBytes()));
    if (split.freeSlotGrowthBytes() != null) {
      s.append(", free heap-page slots ").append(signed(split.freeSlotGrowthBytes()));
    }
    s.append(", malloc ").append(signed(split.mallocGrowthBytes())).append(")");
    if (split.heapPages()) {
      s.append("; heap-page fragmentation: the VM keeps heap pages that few live objects pin;"
          + " GC.compact (Ruby 2.7+) moves them together so that GC frees the pages");
    } else {
      s.append("; memory malloc holds that no live object owns: a C extension's allocations, or malloc"
          + " fragmentation (memory freed but kept by the allocator)");
    }
    if (v.arenaSuspect()) {
      s.append("; MALLOC_ARENA_MAX is unset and neither jemalloc nor tcmalloc is loaded: glibc malloc arena"
          + " fragmentation is a known cause, tested by restarting with MALLOC_ARENA_MAX=2 (or jemalloc through"
          + " LD_PRELOAD) and comparing RSS");
    }
    return s.toString();
  }

  private String signed(Long v) {
    return output.human ? (v >= 0 ? "+" : "") + Sizes.human(v) : DiffRenderer.signed(v) + " bytes";
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProcessOut(String file, String time, long pid, Long rssBytes, Long rssAnonBytes, Long rssFileBytes,
      long heapLiveBytes, Long heapUsedBytes, Long heapCommittedBytes, Long offHeapBytes, Long directBytes,
      Long mappedBytes, Long metaspaceBytes, Integer threads, Map<String, Long> nmt, Boolean mallocArenaMaxSet,
      Integer mallocArenaMax, String allocator, ProcessRecord.Ruby ruby) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record VerdictOut(String kind, Long rssGrowthBytes, Long heapGrowthBytes, Long heapCommittedGrowthBytes,
      Long outsideHeapGrowthBytes, Long offHeapGrowthBytes, Long metaspaceGrowthBytes, String offHeapFinding,
      Map<String, Long> nmtGrown, Long freeSlotGrowthBytes, Long mallocGrowthBytes, String text) {}

  List<ProcessOut> process(MemoryAccount account) {
    List<ProcessOut> out = new ArrayList<>();
    for (MemoryAccount.Dump d : account.dumps()) {
      ProcessRecord r = d.record();
      out.add(new ProcessOut(d.file(), r.time(), r.pid(), r.rssBytes(), r.rssAnonBytes(), r.rssFileBytes(),
          d.heapLiveBytes(), r.heapUsedBytes(), r.heapCommittedBytes(), r.ruby() != null ? null : d.offHeapBytes(),
          r.directBytes(), r.mappedBytes(), r.metaspaceBytes(), r.threads(), r.nmt(), r.mallocArenaMaxSet(), r.mallocArenaMax(),
          r.allocator(), r.ruby()));
    }
    return out;
  }

  VerdictOut verdict(MemoryAccount account) {
    MemoryAccount.Verdict v = account.verdict();
    boolean known = v.kind() != MemoryAccount.Kind.UNKNOWN;
    return new VerdictOut(v.kind().label(), v.rssGrowthBytes(), v.heapGrowthBytes(), v.heapCommittedGrowthBytes(),
        v.outsideHeapGrowthBytes(), v.offHeapGrowthBytes(), v.metaspaceGrowthBytes(),
        v.offHeapFinding() == null ? null : v.offHeapFinding().key(),
        known && !v.nmtOff() && v.ruby() == null ? v.nmtGrown() : null,
        v.ruby() == null ? null : v.ruby().freeSlotGrowthBytes(), v.ruby() == null ? null : v.ruby().mallocGrowthBytes(),
        sentence(v));
  }
}
