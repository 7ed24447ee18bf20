package io.memdiff.diff;

import java.util.List;

/**
 * What a user acts on: the growing sites one owner holds (the nearest object on their paths that is
 * neither a JDK collection nor itself growing: the registry holding the map, the thread holding the
 * buffer), headed by the class whose count grows. Its bytes are the owner's retained bytes from the
 * dominator tree, less those of findings whose owners it holds, so every byte is counted once.
 *
 * @param headline key of the site that heads the finding (the leaking class)
 * @param counts the headline site's object counts per dump
 * @param growthObjects the headline site's object growth
 * @param ownerPath the owner's GC-root path, root first, ending at the owner
 * @param bytes per dump, the owner's retained bytes less those of the findings nested in it
 * @param growthBytes the growth of {@code bytes}, diffed as counts are
 * @param offHeapBytes per dump, the native memory of direct buffers the finding's sites hold
 * @param mappedBytes per dump, the bytes of files its mapped buffers map (page cache, not allocations)
 * @param siteKeys the finding's growing sites, the headline first
 * @param allocationStacks where its objects were allocated (see {@link Findings#allocationStacks}),
 *     most samples first; empty without recordings
 */
public record Finding(
    String key,
    String headline,
    String className,
    Shape shape,
    int growingSince,
    long[] counts,
    long growthObjects,
    String site,
    String owner,
    String ownerClass,
    List<PathStep> ownerPath,
    long[] bytes,
    long growthBytes,
    long[] offHeapBytes,
    long growthOffHeapBytes,
    long[] mappedBytes,
    long growthMappedBytes,
    SiteReachability reachability,
    List<String> siteKeys,
    List<String> examples,
    List<AllocationStack> allocationStacks) {}
