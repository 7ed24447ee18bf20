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
 * One dump, analysed: index, strong reference graph, shortest paths from the roots, dominator tree.
 * Phases run in order and report their names, so a caller can show progress. When the heap has room,
 * a second thread allocates the dominator pass's arrays while the shortest paths are found, then
 * computes the dominator tree, so a caller that groups objects by path meanwhile uses both cores;
 * {@link #dominators()} waits.
 */
public final class HeapAnalysis {
  private final HeapIndex index;
  private final ObjectGraph graph;
  private final Reachability reachability;
  private final CompletableFuture<Dominators> dominators;

  private HeapAnalysis(HeapIndex index, ObjectGraph graph, Reachability reachability,
      CompletableFuture<Dominators> dominators) {
    this.index = index;
    this.graph = graph;
    this.reachability = reachability;
    this.dominators = dominators;
  }

  /** @param phase told the name of each phase as it starts */
  public static HeapAnalysis analyse(DumpCatalog catalog, ScanOptions options, boolean withDominators,
      Consumer<String> phase) throws HprofFormatException {
    phase.accept("indexing objects");
    HeapIndex index = HeapIndex.build(catalog, options);
    return analyse(index, withDominators, phase);
  }

  public static HeapAnalysis analyse(HeapIndex index, boolean withDominators, Consumer<String> phase) {
    return analyse(index, withDominators, phase, false);
  }

  /** @param oneAtATime compute the dominator tree after the shortest paths, as when the heap is tight */
  static HeapAnalysis analyse(HeapIndex index, boolean withDominators, Consumer<String> phase, boolean oneAtATime) {
    phase.accept("reading references");
    ObjectGraph graph = ObjectGraph.build(index);
    // Every record has been read for the last time in a row; from here on only the few objects on
    // paths are read again. Dropping the mapping takes the dump's pages out of resident memory (a
    // quarter to a third of the peak) before the largest arrays are allocated.
    index.catalog().file().data().releasePages();
    Memory.collectBetweenPhases();
    phase.accept("finding shortest paths");
    boolean concurrent = withDominators && !oneAtATime && roomForAll(graph);
    CompletableFuture<Dominators.Workspace> workspace = null;
    if (concurrent) {
      // The search runs on one core: the other meanwhile allocates (and so first touches) the
      // dominator pass's arrays.
      int n = graph.nodeCount();
      workspace = CompletableFuture.supplyAsync(() -> Dominators.Workspace.allocate(n), HeapAnalysis::startDaemon);
    }
    Reachability reach = Reachability.compute(graph);
    CompletableFuture<Dominators> dom = null;
    if (withDominators) {
      phase.accept("computing dominators");
      // The dominator pass's search is the last reader of the graph's edges, so it drops them.
      if (concurrent) {
        dom = workspace.thenApplyAsync(w -> Dominators.compute(reach, true, w), HeapAnalysis::startDaemon);
      } else {
        dom = CompletableFuture.completedFuture(Dominators.compute(reach, true, null));
      }
    }
    return new HeapAnalysis(index, graph, reach, dom);
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

  private static void startDaemon(Runnable task) {
    Thread t = new Thread(task, "memdiff-dominators");
    t.setDaemon(true);
    t.start();
  }

  /** Null when analysed without dominators; waits for them while they are being computed. */
  public Dominators dominators() {
    if (dominators == null) {
      return null;
    }
    try {
      return dominators.join();
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
