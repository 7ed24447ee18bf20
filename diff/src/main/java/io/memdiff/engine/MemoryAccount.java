package io.memdiff.engine;

import io.memdiff.diff.Finding;
import java.util.List;
import java.util.Map;

/**
 * The process's memory beside the heap diff: per dump what the process record and the dump say, and
 * which part explains the growth of RSS. Data only; the command line words it.
 *
 * @param dumps per dump, in the diff's order; empty when process memory is unknown
 * @param verdict which part explains RSS growth
 */
public record MemoryAccount(List<Dump> dumps, Verdict verdict) {
  /** What explains the growth of RSS. */
  public enum Kind {
    /** The Java heap's live bytes: the findings explain it. */
    HEAP("heap"),
    /** Direct buffers that heap objects own. */
    OFF_HEAP("off-heap"),
    /**
     * Memory outside every Java structure the dumps see: malloc, threads, metaspace, code; for Ruby,
     * outside the live objects' bytes: free heap-page slots and malloc.
     */
    NATIVE("native"),
    /** RSS did not grow beyond noise. */
    NONE("none"),
    /** A dump has no process record. */
    UNKNOWN("unknown");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * One dump's figures.
   *
   * @param file the process record read
   * @param heapLiveBytes shallow bytes of the dump's objects (a live dump holds no garbage); a Ruby
   *     dump's memsize of its objects
   * @param offHeapBytes native memory of the direct buffers the dump's objects own
   * @param nmtChanged committed bytes of the NMT categories that changed over the dumps, empty without NMT
   */
  public record Dump(String file, ProcessRecord record, long heapLiveBytes, long offHeapBytes,
      Map<String, Long> nmtChanged) {}

  /**
   * The verdict, with what it rests on. Growth is diffed as a finding's is (see concepts.md).
   *
   * @param rssGrowthBytes null when unknown
   * @param heapGrowthBytes growth of the dumps' live heap bytes
   * @param heapCommittedGrowthBytes growth of the committed heap, null when a record lacks it
   * @param outsideHeapGrowthBytes RSS growth less what the heap can account for (its live or its
   *     committed growth, whichever is more); null when unknown
   * @param offHeapGrowthBytes growth of the direct buffers heap objects own
   * @param metaspaceGrowthBytes null when a record lacks metaspace
   * @param offHeapFinding the finding whose direct buffers grew most; null for none
   * @param nmtGrown NMT categories grown by at least {@link MemoryAccounting#NMT_CHANGE_BYTES}, most first
   * @param nmtOff the JVM ran without Native Memory Tracking at some dump, so no category can be named
   * @param arenaSuspect growth is malloc's (or NMT cannot say it is not), {@code MALLOC_ARENA_MAX} is
   *     unset and neither jemalloc nor tcmalloc is loaded: arena fragmentation is a candidate
   * @param noiseBytes RSS growth below this is noise
   * @param missingDumps for {@link Kind#UNKNOWN}, the dumps (from 1) without a process record
   * @param ruby for Ruby processes, how the growth outside the live objects splits; null for a JVM
   */
  public record Verdict(Kind kind, Long rssGrowthBytes, Long heapGrowthBytes, Long heapCommittedGrowthBytes,
      Long outsideHeapGrowthBytes, Long offHeapGrowthBytes, Long metaspaceGrowthBytes, Finding offHeapFinding,
      Map<String, Long> nmtGrown, boolean nmtOff, boolean arenaSuspect, long noiseBytes, List<Integer> missingDumps,
      RubySplit ruby) {}

  /**
   * A Ruby process's growth outside its live objects' bytes (which {@link Kind#NATIVE} means there),
   * split by where it is: in heap pages whose slots hold no live object, which a compacting GC gives
   * back, or in memory malloc holds that no live object owns (a C extension's, or fragmentation).
   *
   * @param freeSlotGrowthBytes growth of the heap-page bytes in free slots; null when a record lacks a figure
   * @param mallocGrowthBytes the rest of the growth outside the live objects
   */
  public record RubySplit(Long freeSlotGrowthBytes, long mallocGrowthBytes) {
    /** Whether free heap-page slots explain more of the growth than malloc does. */
    public boolean heapPages() {
      return freeSlotGrowthBytes != null && freeSlotGrowthBytes > mallocGrowthBytes;
    }
  }
}
