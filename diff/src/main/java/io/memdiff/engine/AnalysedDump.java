package io.memdiff.engine;

import io.memdiff.diff.AllocationJoin;
import io.memdiff.diff.AllocationStack;
import io.memdiff.diff.OldObjectSamples;
import io.memdiff.paths.ClassRetention;
import io.memdiff.paths.ClassRoutes;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.paths.ObjectInspector;
import io.memdiff.paths.ObjectReport;
import io.memdiff.paths.RouteReport;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** A dump whose reference graph, shortest paths and dominator tree are known: what the queries read. */
public final class AnalysedDump {
  private final HeapAnalysis analysis;
  private final OldObjectSamples samples;

  AnalysedDump(HeapAnalysis analysis, OldObjectSamples samples) {
    this.analysis = analysis;
    this.samples = samples;
  }

  /**
   * Where the objects at these addresses were allocated, as far as the recording beside the dump
   * sampled them: a stack per sampled object, merged, or none.
   */
  public List<AllocationStack> allocationStacksOf(long... addresses) {
    Set<Integer> objects = new HashSet<>();
    for (long a : addresses) {
      objects.add(objectAt(a));
    }
    return AllocationJoin.stacksOf(samples, analysis.index(), objects::contains);
  }

  /** Where the sampled instances of a class were allocated, most samples first (none without a recording). */
  public List<AllocationStack> allocationStacksOfClass(String className) {
    boolean[] named = OpenDump.classesNamed(analysis.catalog(), className);
    return AllocationJoin.stacksOf(samples, analysis.index(), o -> named[analysis.index().classIndexOf(o)]);
  }

  /**
   * Every instance of a class, merged by route, most instances first.
   *
   * @param fold fold JDK collection internals ({@code HashMap{values}})
   * @param limit at most this many routes
   */
  public RouteReport routesOfClass(String className, boolean fold, int limit) {
    boolean[] named = OpenDump.classesNamed(analysis.catalog(), className);
    return ClassRoutes.ofClass(analysis, named, fold, limit);
  }

  /**
   * The routes to the objects at these addresses (a finding's examples, say), merged by route;
   * {@code indexes} shows array indexes ({@code [17]}).
   */
  public RouteReport routesOfObjects(long[] addresses, boolean indexes, boolean fold, int limit) {
    int[] objects = new int[addresses.length];
    for (int k = 0; k < addresses.length; k++) {
      objects[k] = objectAt(addresses[k]);
    }
    return ClassRoutes.ofObjects(analysis, objects, indexes, fold, limit);
  }

  /**
   * One object: its fields or elements, referrers and path.
   *
   * @param limit at most this many references and referrers
   * @param withValues primitive values and string contents (dumps hold secrets: only when asked)
   */
  public ObjectReport object(long address, int limit, boolean withValues) {
    return ObjectInspector.inspect(analysis, objectAt(address), limit, withValues);
  }

  /** The class histogram with retained and unreachable bytes, biggest retained first. */
  public List<ClassRow> classesRetained(Predicate<String> filter) {
    ClassRetention r = ClassRetention.of(analysis);
    return OpenDump.classesOf(analysis.catalog(), filter, r.retainedBytes(), r.unreachableBytes());
  }

  private int objectAt(long address) {
    int o = analysis.index().indexOf(address);
    if (o < 0) {
      throw new NotInDumpException(analysis.catalog().file().path() + ": no object at 0x" + Long.toHexString(address));
    }
    return o;
  }
}
