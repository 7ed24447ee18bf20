package io.memdiff.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a process's memory was at one dump: the operating system's view (RSS and its parts), the
 * JVM's (heap, metaspace, threads, buffer pools, Native Memory Tracking) and the allocator context a
 * fix depends on. Written by {@code memdiff capture} as {@code k.proc.json} beside {@code k.hprof}.
 * A figure the platform could not give is null, and absent from the file: never a zero. A Ruby
 * process writes the same record with a {@code ruby} part in place of the JVM's figures (see
 * docs/concepts.md for the snippet).
 *
 * @param time when the figures were read, ISO-8601 in UTC
 * @param rssBytes resident set size ({@code VmRSS})
 * @param rssAnonBytes its anonymous part ({@code RssAnon}): heap, malloc, stacks
 * @param rssFileBytes its file-backed part ({@code RssFile}): code and mapped files
 * @param rssShmemBytes its shared-memory part ({@code RssShmem})
 * @param pssBytes proportional set size ({@code smaps_rollup}), shared pages divided among their users
 * @param osThreads threads of the process, the JVM's own included
 * @param heapUsedBytes Java heap in use (objects, garbage included)
 * @param heapCommittedBytes Java heap the JVM has committed
 * @param metaspaceBytes metaspace in use (class metadata)
 * @param metaspaceCommittedBytes metaspace committed
 * @param threads live Java threads
 * @param directBytes memory of the {@code direct} buffer pool
 * @param directCount buffers in it
 * @param mappedBytes memory of the {@code mapped} buffer pool (files mapped)
 * @param mappedCount buffers in it
 * @param nativeMemoryTracking {@code off}, {@code summary} or {@code detail}
 * @param nmt with tracking on, committed bytes per NMT category ({@code Other}, {@code Thread}, …)
 * @param mallocArenaMaxSet whether {@code MALLOC_ARENA_MAX} is in the process's environment
 * @param mallocArenaMax its value, when it is a number
 * @param allocator {@code jemalloc} or {@code tcmalloc} when one is loaded, else {@code libc}
 * @param ruby a Ruby process's object heap, null for a JVM
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessRecord(
    int schemaVersion,
    String time,
    long pid,
    Long rssBytes,
    Long rssAnonBytes,
    Long rssFileBytes,
    Long rssShmemBytes,
    Long pssBytes,
    Integer osThreads,
    Long heapUsedBytes,
    Long heapCommittedBytes,
    Long metaspaceBytes,
    Long metaspaceCommittedBytes,
    Integer threads,
    Long directBytes,
    Long directCount,
    Long mappedBytes,
    Long mappedCount,
    String nativeMemoryTracking,
    Map<String, Long> nmt,
    Boolean mallocArenaMaxSet,
    Integer mallocArenaMax,
    String allocator,
    Ruby ruby) {
  public static final int SCHEMA_VERSION = 1;

  /**
   * A Ruby process's object heap, as {@code GC.stat}, {@code GC::INTERNAL_CONSTANTS} and
   * {@code ObjectSpace} name it; a figure the record lacks is null.
   *
   * @param heapLiveSlots slots holding a live object
   * @param heapFreeSlots slots of the heap pages holding none
   * @param heapAllocatedPages heap pages the VM holds
   * @param heapPageSize bytes of one heap page
   * @param memsizeOfAll {@code ObjectSpace.memsize_of_all}: bytes of every live object, slots and the
   *     buffers they own
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ruby(Long heapLiveSlots, Long heapFreeSlots, Long heapAllocatedPages, Long heapPageSize,
      Long memsizeOfAll) {
    /**
     * Bytes of heap pages whose slots hold no live object (pages times page size, in the share of
     * free slots); null when a figure is missing.
     */
    public Long freeSlotBytes() {
      if (heapLiveSlots == null || heapFreeSlots == null || heapAllocatedPages == null || heapPageSize == null
          || heapLiveSlots + heapFreeSlots <= 0) {
        return null;
      }
      return Math.round((double) heapAllocatedPages * heapPageSize * heapFreeSlots / (heapLiveSlots + heapFreeSlots));
    }
  }
}
