package io.memdiff.diff;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one dump holds at one site.
 *
 * @param key identity across dumps (see {@link SiteKeys})
 * @param site how the site reads: {@code at static com.acme.Registry.SESSIONS → ConcurrentHashMap{values}}
 *     or {@code at com.acme.Foo.bar(Foo.java:53)} for an allocation site
 * @param path the folded GC-root path to the site's objects, root first, ending at the site's class
 * @param retainedBytes bytes retained by the site's objects that no other object of the site dominates
 * @param offHeapBytes native memory owned by the site's direct buffers ({@code capacity} of each
 *     {@code java.nio.DirectByteBuffer} that is not a slice or duplicate of another)
 * @param examples addresses of a few of the site's objects, hex
 * @param allocationStacks where the site's objects were allocated, from a JFR recording's old-object
 *     samples joined to the dump, most samples first; empty without a recording
 */
public record SiteStats(
    String key,
    String className,
    String site,
    List<PathStep> path,
    long count,
    long shallowBytes,
    long retainedBytes,
    SiteReachability reachability,
    List<String> examples,
    long offHeapBytes,
    long mappedBytes,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AllocationStack> allocationStacks) {}
