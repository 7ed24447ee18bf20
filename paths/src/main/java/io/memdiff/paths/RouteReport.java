package io.memdiff.paths;

import java.util.List;

/**
 * The distinct routes from GC roots to a set of objects (every instance of a class, or one object),
 * most instances first.
 *
 * @param objects how many objects were asked about
 * @param unreachable how many of them no root reaches
 * @param distinct how many distinct routes there are (more than {@code routes} holds when limited)
 */
public record RouteReport(long objects, long unreachable, int distinct, List<Route> routes) {
  /** One route and the instances behind it; its retained bytes count each object once. */
  public record Route(long instances, long retainedBytes, String reachability, List<RouteStep> steps) {}

  /** A step of a route: the edge, the object reached (by address), its own and retained bytes. */
  public record RouteStep(String edge, String className, long address, long shallowBytes, long retainedBytes) {}
}
