package io.memdiff.paths;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One dump, analysed: index, strong reference graph, shortest paths from the roots, dominator tree,
 * and on request the route table. Phases run in order and report their names, so a caller can show
 * progress. When the heap has room, the breadth-first search shares the cores: another thread runs
 * the dominator pass's depth-first search over strong references meanwhile (it needs only the roots),
 * and then completes the dominator tree beside whatever the caller does next ({@link #dominators()}
 * waits), such as the route table, which {@link #routes()} computes on the caller's thread.
 *
 * <p>The route table used to follow the search on a third thread, position by position as they
 * became final. On two cores that slowed the search more than it saved, and it held more fresh heap;
 * {@code path} had already stopped using it.
 */
public final class HeapAnalysis {
  private final HeapIndex index;
  private final ObjectGraph graph;
  private final Reachability reachability;
  private final CompletableFuture<Dominators> dominators;
  private final CompletableFuture<HeldTwice> heldTwice;
  private RouteTable routes;

  private HeapAnalysis(HeapIndex index, ObjectGraph graph, Reachability reachability,
      CompletableFuture<Dominators> dominators, CompletableFuture<HeldTwice> heldTwice) {
    this.index = index;
    this.graph = graph;
    this.reachability = reachability;
    this.dominators = dominators;
    this.heldTwice = heldTwice;
  }

  /** @param phase told the name of each phase as it starts */
  public static HeapAnalysis analyse(DumpCatalog catalog, ScanOptions options, boolean withDominators,
      Consumer<String> phase) throws HprofFormatException {
    phase.accept("indexing objects");
    HeapIndex index = HeapIndex.build(catalog, options);
    return analyse(index, withDominators, phase, false);
  }

  public static HeapAnalysis analyse(HeapIndex index, boolean withDominators, Consumer<String> phase) {
    return analyse(index, withDominators, phase, false);
  }

  /** @param oneAtATime compute the dominator tree after the shortest paths, as when the heap is tight */
  static HeapAnalysis analyse(HeapIndex index, boolean withDominators, Consumer<String> phase, boolean oneAtATime) {
    phase.accept("reading references");
    // The first pass's kept records are garbage once the index is built: collected now, their pages
    // take the graph's arrays instead of fresh ones.
    Memory.collectBetweenPhases();
    ObjectGraph graph = ObjectGraph.build(index, () -> {
      // Every record has been read for the last time in a row; from here on only the few objects on
      // paths are read again. Dropping the mapping takes the dump's pages out of resident memory (a
      // large part of the peak) before the largest arrays are allocated.
      index.catalog().file().data().releasePages();
      Memory.collectBetweenPhases();
    });
    // The blocks the rows were read into are garbage now: their pages take the search's arrays.
    Memory.collectBetweenPhases();
    phase.accept("finding shortest paths");
    boolean concurrent = withDominators && !oneAtATime && roomForAll(graph);
    Reachability reach = Reachability.seed(graph);
    // The graph and the roots made nearly every address lookup there is: the table's room goes to
    // the searches' arrays.
    index.releaseLookup();
    CompletableFuture<DominatorSearch> strong = null;
    if (concurrent) {
      // The dominator pass's depth-first search over strong references needs only the roots: it
      // runs on the other core beside the breadth-first search.
      strong = Tasks.async("memdiff-dominators", () -> DominatorSearch.strong(reach));
    }
    // Every core the dominator pass's search does not take reads rows for the breadth-first search.
    reach.search(Math.max(0, Tasks.cores() - (concurrent ? 2 : 1)));
    graph.releaseSlots();
    CompletableFuture<Dominators> dom = null;
    CompletableFuture<HeldTwice> heldTwice = new CompletableFuture<>();
    if (withDominators) {
      phase.accept("computing dominators");
      // The dominator pass's search is the last reader of the graph's edges, so it drops them.
      if (concurrent) {
        dom = strong.thenApplyAsync(s -> DominatorBuilder.complete(s, true, heldTwice::complete),
            Tasks.named("memdiff-dominators"));
      } else {
        dom = CompletableFuture.completedFuture(Dominators.compute(reach, true));
      }
      // Known before the tree once it is done; a pass that fails fails the owners' waiters too.
      dom.whenComplete((d, e) -> {
        if (e != null) {
          heldTwice.completeExceptionally(e);
        } else {
          heldTwice.complete(d.heldTwice());
        }
      });
    }
    return new HeapAnalysis(index, graph, reach, dom, heldTwice);
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
   * route table (8 per object), made beside the dominator tree's completion, with a margin (the heap
   * in use is counted garbage and all, so this errs towards one at a time). A big dump in a tight
   * heap then takes longer instead of running out of memory.
   */
  private static boolean roomForAll(ObjectGraph graph) {
    long free = Memory.freeHeap();
    long need = 38L * graph.nodeCount() + 8L * graph.edgeCount();
    return free > need + need / 2;
  }

  /** Null when analysed without dominators; waits for them while they are being computed. */
  public Dominators dominators() {
    return dominators == null ? null : Tasks.join(dominators);
  }

  /**
   * The objects held twice and their owners, which the dominator pass knows before its tree is done
   * (see {@link RouteTable#followOwners}); null when analysed without dominators.
   */
  public HeldTwice heldTwice() {
    return dominators == null ? null : Tasks.join(heldTwice);
  }

  /** The route table of the reachable objects, computed on the first call. Each call returns the same table. */
  public synchronized RouteTable routes() {
    if (routes == null) {
      routes = RouteTable.compute(reachability);
    }
    return routes;
  }
}
