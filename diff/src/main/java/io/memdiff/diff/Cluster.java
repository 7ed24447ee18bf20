package io.memdiff.diff;

import java.util.List;

/**
 * Growing sites held by one owner: the nearest object on their paths that is neither a JDK collection
 * nor itself growing (the registry holding the map, the thread holding the buffer).
 *
 * @param path the owner's GC-root path, root first
 * @param siteKeys the cluster's sites, biggest growth first
 */
public record Cluster(String key, String owner, List<PathStep> path, long growthObjects, long growthBytes,
    List<String> siteKeys) {}
