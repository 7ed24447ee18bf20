package io.memdiff.diff;

import java.util.List;

/**
 * One site across N dumps.
 *
 * @param growthObjects 2 dumps: {@code count[2] − count[1]}; 3 or more: {@code min(count[N−1], count[N]) −
 *     count[1]}, heapy's "born after the first dump and still there in the last"
 * @param growthBytes the same for retained bytes
 * @param slopePerMinute objects per minute of dump time (least squares), 0 when the dumps share a timestamp
 * @param cluster key of the {@link Cluster} the site is reported under
 * @param examples addresses from the last dump that has the site
 */
public record SiteDiff(
    String key,
    String className,
    String site,
    List<PathStep> path,
    long[] counts,
    long[] shallowBytes,
    long[] retainedBytes,
    long growthObjects,
    long growthBytes,
    Shape shape,
    double slopePerMinute,
    String reachability,
    String cluster,
    List<String> examples) {}
