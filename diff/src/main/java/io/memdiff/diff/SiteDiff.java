package io.memdiff.diff;

import java.util.List;

/**
 * One site across N dumps. Each object is in exactly one site, so the sites' counts and own
 * (shallow) bytes add up to the heap's; retained bytes overlap between sites and are labelled so.
 *
 * @param offHeapBytes per dump, native memory the site's direct buffers allocated
 * @param mappedBytes per dump, bytes of files the site's mapped buffers map
 * @param growthObjects 2 dumps: {@code count[2] − count[1]}; 3 or more: {@code min(count[N−1], count[N]) −
 *     count[1]}, heapy's "born after the first dump and still there in the last"
 * @param growthShallowBytes the same for the site's own bytes
 * @param growthRetainedBytes the same for what the site's objects retain (which includes other sites' objects)
 * @param growingSince for a leak, the 1-based dump from which it grows at every step (see {@link Shape#growingSince})
 * @param slopePerMinute objects per minute of dump time (least squares), 0 when the dumps share a timestamp
 * @param finding key of the {@link Finding} the site is reported under, or null for none
 * @param examples addresses from the last dump that has the site
 * @param allocationStacks where the site's objects were allocated: each distinct stack of the joined
 *     old-object samples, with the most samples one recording had of it, most first
 */
public record SiteDiff(
    String key,
    String className,
    String site,
    List<PathStep> path,
    long[] counts,
    long[] shallowBytes,
    long[] retainedBytes,
    long[] offHeapBytes,
    long[] mappedBytes,
    long growthObjects,
    long growthShallowBytes,
    long growthRetainedBytes,
    Shape shape,
    int growingSince,
    double slopePerMinute,
    SiteReachability reachability,
    String finding,
    List<String> examples,
    List<AllocationStack> allocationStacks) {

  SiteDiff withFinding(String findingKey) {
    return new SiteDiff(key, className, site, path, counts, shallowBytes, retainedBytes, offHeapBytes, mappedBytes,
        growthObjects,
        growthShallowBytes, growthRetainedBytes, shape, growingSince, slopePerMinute, reachability, findingKey,
        examples, allocationStacks);
  }
}
