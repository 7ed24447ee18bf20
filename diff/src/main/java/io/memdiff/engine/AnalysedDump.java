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
import java.util.List;
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
   * Where the object at this address was allocated, if the recording beside the dump sampled it:
   * one stack, or none.
   */
  public List<AllocationStack> allocationStacksOf(long address) {
    int o = objectAt(address);
    return AllocationJoin.stacksOf(samples, analysis.index(), x -> x == o);
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

  /** The route to the object at this address; {@code indexes} shows array indexes ({@code [17]}). */
  public RouteReport routesOfObject(long address, boolean indexes, boolean fold) {
    return ClassRoutes.ofObject(analysis, objectAt(address), indexes, fold, 1);
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
