package io.memdiff.paths;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.hprof.Memory;
import io.memdiff.hprof.ScanOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * One dump, analysed: index, strong reference graph, shortest paths from the roots, dominator tree,
 * and on request the route table. Phases run in order and report their names, so a caller can show
 * progress. When the heap has room, the breadth-first search shares the cores: another thread runs
 * the dominator pass's depth-first search over strong references meanwhile (it needs only the roots)
 * and a third follows the search with the route table, position by position as they become final;
 * the dominator tree is then completed beside whatever the caller does next. {@link #dominators()}
 * and {@link #routes()} wait.
 */
public final class HeapAnalysis {
  private final HeapIndex index;
  private final ObjectGraph graph;
  private final Reachability reachability;
  private final CompletableFuture<Dominators> dominators;
  private CompletableFuture<RouteTable> routes;

  private HeapAnalysis(HeapIndex index, ObjectGraph graph, Reachability reachability,
      CompletableFuture<Dominators> dominators, CompletableFuture<RouteTable> routes) {
    this.index = index;
    this.graph = graph;
    this.reachability = reachability;
    this.dominators = dominators;
    this.routes = routes;
  }

  /** @param phase told the name of each phase as it starts */
  public static HeapAnalysis analyse(DumpCatalog catalog, ScanOptions options, boolean withDominators,
      Consumer<String> phase) throws HprofFormatException {
    return analyse(catalog, options, withDominators, false, phase);
  }

  /**
   * @param withRoutes the caller will ask for {@link #routes()}: compute them beside the search
   * @param phase told the name of each phase as it starts
   */
  public static HeapAnalysis analyse(DumpCatalog catalog, ScanOptions options, boolean withDominators,
      boolean withRoutes, Consumer<String> phase) throws HprofFormatException {
    phase.accept("indexing objects");
    HeapIndex index = HeapIndex.build(catalog, options);
    return analyse(index, withDominators, withRoutes, phase, false);
  }

  public static HeapAnalysis analyse(HeapIndex index, boolean withDominators, Consumer<String> phase) {
    return analyse(index, withDominators, false, phase, false);
  }

  /** @param withRoutes the caller will ask for {@link #routes()}: compute them beside the search */
  public static HeapAnalysis analyse(HeapIndex index, boolean withDominators, boolean withRoutes,
      Consumer<String> phase) {
    return analyse(index, withDominators, withRoutes, phase, false);
  }

  /**
   * @param oneAtATime compute the dominator tree and the routes after the shortest paths, as when the
   *     heap is tight
   */
  static HeapAnalysis analyse(HeapIndex index, boolean withDominators, boolean withRoutes, Consumer<String> phase,
      boolean oneAtATime) {
    phase.accept("reading references");
    // The first pass's kept records are garbage once the index is built: collected now, their pages
    // take the graph's arrays instead of fresh ones.
    Memory.collectBetweenPhases();
    ObjectGraph graph = ObjectGraph.build(index, () -> {
      // Every record has been read for the last time in a row; from here on only the few objects on
      // paths are read again. Dropping the mapping takes the dump's pages out of resident memory (a
      // quarter to a third of the peak) before the largest arrays are allocated.
      index.catalog().file().data().releasePages();
      Memory.collectBetweenPhases();
    });
    // The blocks the rows were read into are garbage now: their pages take the search's arrays.
    Memory.collectBetweenPhases();
    phase.accept("finding shortest paths");
    boolean concurrent = (withDominators || withRoutes) && !oneAtATime && roomForAll(graph);
    Reachability reach = Reachability.seed(graph);
    CompletableFuture<Dominators.Search> strong = null;
    if (concurrent && withDominators) {
      // The dominator pass's depth-first search over strong references needs only the roots: it
      // runs on the other core beside the breadth-first search.
      strong = CompletableFuture.supplyAsync(() -> Dominators.searchStrong(reach),
          task -> startDaemon("memdiff-dominators", task));
    }
    CompletableFuture<RouteTable> routes = null;
    if (concurrent && withRoutes) {
      // An object's route needs only its parent's, which precedes it: the table trails the search.
      routes = CompletableFuture.supplyAsync(() -> RouteTable.compute(reach), task -> startDaemon("memdiff-routes", task));
    }
    reach.search();
    CompletableFuture<Dominators> dom = null;
    if (withDominators) {
      phase.accept("computing dominators");
      // The dominator pass's search is the last reader of the graph's edges, so it drops them.
      if (concurrent) {
        dom = strong.thenApplyAsync(s -> Dominators.complete(s, true), task -> startDaemon("memdiff-dominators", task));
      } else {
        dom = CompletableFuture.completedFuture(Dominators.compute(reach, true));
      }
    }
    return new HeapAnalysis(index, graph, reach, dom, routes);
  }

  public HeapIndex index() {
    return index;
  }

  public DumpCatalog catalog() {
    return index.catalog();
  }

  /**
   * The reference graph. Analysed with dominators, its strong edges are dropped once the dominator
   * pass has read them (see {@link ObjectGraph#releaseEdges}); shallow sizes and weak edges stay.
   */
  public ObjectGraph graph() {
    return graph;
  }

  public Reachability reachability() {
    return reachability;
  }

  /**
   * Whether the heap has room, once the graph is built, for the shortest paths' arrays (10 bytes per
   * object), the dominator pass's (about 20 bytes per object and 8 per reference) and a caller's
   * route table (8 per object) at once, with a margin (the heap in use is counted garbage and all, so
   * this errs towards one at a time). A big dump in a tight heap then takes longer instead of
   * running out of memory.
   */
  private static boolean roomForAll(ObjectGraph graph) {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    long need = 38L * graph.nodeCount() + 8L * graph.edgeCount();
    return free > need + need / 2;
  }

  private static void startDaemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  /** Null when analysed without dominators; waits for them while they are being computed. */
  public Dominators dominators() {
    return dominators == null ? null : join(dominators);
  }

  /**
   * The route table of the reachable objects: computed beside the search when asked for at
   * {@code analyse} (this waits for it), otherwise now. Each call returns the same table.
   */
  public synchronized RouteTable routes() {
    if (routes == null) {
      routes = CompletableFuture.completedFuture(RouteTable.compute(reachability));
    }
    return join(routes);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
