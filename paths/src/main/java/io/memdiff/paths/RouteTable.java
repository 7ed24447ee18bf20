package io.memdiff.paths;

import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.work.Parts;
import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The route of every reachable object: its shortest path from a root with array indexes dropped, as
 * an interned node (parent route, edge, class). Objects reached the same way share a route, so
 * routes are few even when objects are many. A link repeated with the same field to the same class
 * ({@code next.next.next}) collapses into one starred node, which keeps a million-long list one route.
 * Computed in breadth-first order, parents first: one re-read of each object's parent per object.
 * {@link #followOwners} then makes routes follow owners instead (see {@link OwnedRoutes}).
 */
public final class RouteTable {
  private static final long ROOT_EDGE = 1L << 62;
  /** The edge of an object its immediate dominator holds through several routes, none of them the only one. */
  private static final long OWNED_EDGE = 1L << 61;
  /** How {@link #steps} names an {@link #OWNED_EDGE}. */
  public static final String OWNED = "{owned}";
  private static final int STAR = 1 << 30;
  /** The route of an object no root reaches, and the parent route of a root's route. */
  public static final int NO_ROUTE = -1;

  // The search, the index and each object's route are the package's to read: OwnedRoutes walks the
  // same positions and rewrites routes in place. The routes are null once taken (takeRoutes).
  final Reachability reach;
  final HeapIndex index;
  private final PathDescriber describer;
  int[] routeOf;
  private final int javaLangClass;
  private final IntArrayList parent = new IntArrayList();
  private final IntArrayList edge = new IntArrayList();
  private final IntArrayList classIdx = new IntArrayList();
  private final IntArrayList representative = new IntArrayList();
  private final LongArrayList edgeKeys = new LongArrayList();
  private final Long2IntOpenHashMap edgeIds = new Long2IntOpenHashMap();
  private final Long2IntOpenHashMap firstLevel = new Long2IntOpenHashMap();
  private final Long2IntOpenHashMap nodes = new Long2IntOpenHashMap();
  private final Object2IntOpenHashMap<String> rootDescriptions = new Object2IntOpenHashMap<>();
  private final List<String> rootTexts = new ArrayList<>();
  private String[] edgeTexts;
  // A direct-mapped cache of intern(): siblings reached the same way hit it instead of two hash maps.
  private static final int CACHE = 1 << 12;
  private final int[] cacheParent = new int[CACHE];
  private final int[] cacheEdge = new int[CACHE];
  private final int[] cacheClass = new int[CACHE];
  private final int[] cacheRoute = new int[CACHE];
  // A direct-mapped cache of a whole step, (parent route, slot, class) → route, for the steps that
  // depend on nothing else (see compute).
  private static final int FAST_BITS = 12;
  private final int[] fastParent = new int[1 << FAST_BITS];
  private final byte[] fastSlot = new byte[1 << FAST_BITS];
  private final int[] fastClass = new int[1 << FAST_BITS];
  private final int[] fastRoute = new int[1 << FAST_BITS];

  RouteTable(Reachability reach) {
    this.reach = reach;
    this.index = reach.graph().index();
    this.describer = new PathDescriber(reach);
    this.routeOf = new int[index.objectCount()];
    this.javaLangClass = index.catalog().javaLangClass().index();
    Arrays.fill(routeOf, NO_ROUTE);
    edgeIds.defaultReturnValue(-1);
    firstLevel.defaultReturnValue(-1);
    nodes.defaultReturnValue(-1);
    rootDescriptions.defaultReturnValue(-1);
    Arrays.fill(cacheRoute, -1);
    Arrays.fill(fastParent, -1);
  }

  /** The routes of a search's objects, once the search is done. */
  public static RouteTable compute(Reachability reach) {
    RouteTable t = new RouteTable(reach);
    t.walk(0, reach.reachedCount());
    return t;
  }

  /**
   * Walks breadth-first positions, parents first: an object's parent is read at the parent's
   * position, which trails this one; the parent's class is its route's. Per-position copies of
   * routes and classes made the walk no faster but cost 8 bytes per object of fresh memory; reading
   * a batch of positions' objects, classes and parents ahead of their routes made it slower from a
   * heap file.
   */
  private void walk(int from, int to) {
    for (int i = from; i < to; i++) {
      walkAt(i);
    }
  }

  /**
   * The routes of some objects and of every object on their shortest paths, and of no other: for a
   * caller that reads only those (path, for one class's instances). The positions to walk are marked
   * from the objects up their parents, then walked in breadth-first order as {@link #compute} walks
   * all of them, so each route is the one compute gives it; a route's representative is the first
   * marked object on it, which for the objects' own routes is the first such object of all (an
   * object's route fixes its class). For one class's instances that is a fraction of every object's
   * routes, and the table is made on the thread that waits for it.
   */
  public static RouteTable computeFor(Reachability reach, IntArrayList objects) {
    return computeFor(reach, objects, OwnedRoutes.PARALLEL_FOLLOW, Tasks.cores());
  }

  /** @param markPart the fewest positions a thread of the marking takes, on at most {@code cores} (tests try more) */
  static RouteTable computeFor(Reachability reach, IntArrayList objects, int markPart, int cores) {
    RouteTable t = new RouteTable(reach);
    int n = t.index.objectCount();
    int reached = reach.reachedCount();
    BitSet wanted = new BitSet(n);
    for (int k = 0; k < objects.size(); k++) {
      wanted.set(objects.getInt(k));
    }
    // The objects' positions, over the cores: each part writes words of its own.
    long[] markedWords = new long[(reached + 63) >>> 6];
    Parts.run(0, reached, markPart, cores, "memdiff-routes", (from, to) -> {
      for (int i = from; i < to; i++) {
        if (wanted.get(reach.reachedAt(i))) {
          markedWords[i >>> 6] |= 1L << i;
        }
      }
    });
    BitSet marked = BitSet.valueOf(markedWords);
    // Up from each marked position in increasing order: a marked parent, which precedes its child,
    // has had its own parents marked already.
    for (int i = marked.nextSetBit(0); i >= 0; i = marked.nextSetBit(i + 1)) {
      for (int at = i; ; ) {
        int pp = reach.parentPosition(at);
        if (pp == ParentLinks.VIRTUAL_ROOT) {
          break;
        }
        // A referent's parent is the object holding the reference, found by object, not position
        // (the first such look-up builds the search's position of every object).
        int q = pp >= 0 ? pp : reach.position(reach.referentHolder(reach.reachedAt(at)));
        if (marked.get(q)) {
          break;
        }
        marked.set(q);
        at = q;
      }
    }
    for (int i = marked.nextSetBit(0); i >= 0; i = marked.nextSetBit(i + 1)) {
      t.walkAt(i);
    }
    return t;
  }

  /** The route of the object at breadth-first position {@code i}, whose parent's route is known. */
  void walkAt(int i) {
    int o = reach.reachedAt(i);
    int cls = index.classIndexOf(o);
    int pp = reach.parentPosition(i);
    if (pp == ParentLinks.VIRTUAL_ROOT) {
      routeOf[o] = rootRoute(o, cls);
      return;
    }
    int p = pp >= 0 ? reach.reachedAt(pp) : reach.referentHolder(o);
    routeOf[o] = routeFromParent(i, o, cls, p);
  }

  /** The route of object {@code o} of class {@code cls}: its owner's, then an {@link #OWNED} step. */
  int ownedRoute(int owner, int cls, int o) {
    return intern(routeOf[owner], edgeId(OWNED_EDGE), cls, o);
  }

  /**
   * Makes each object's route follow its owner's instead (see {@link OwnedRoutes}), once the owners
   * of the objects held twice are known ({@link HeapAnalysis#heldTwice}), for sites that must not
   * depend on which of several equal routes the search met first.
   */
  public void followOwners(HeldTwice heldTwice) {
    OwnedRoutes.follow(this, heldTwice);
  }

  /** The route of the object {@code o} at position {@code i}, continuing its parent {@code p}'s. */
  int routeFromParent(int i, int o, int cls, int p) {
    int pr = routeOf[p];
    byte slot = reach.slotAtPosition(i);
    int pcls = classIdx.getInt(pr);
    if (pcls != javaLangClass && EdgeSlots.decode(slot, false) != EdgeSlots.REREAD) {
      // Not a static field, nor a slot to read from the dump: the route follows from the parent's
      // route, the slot and the class alone, and siblings repeat them.
      int h = ((pr * 31 + slot) * 31 + cls) * 0x9E3779B9 >>> (32 - FAST_BITS);
      if (fastParent[h] == pr && fastSlot[h] == slot && fastClass[h] == cls) {
        return fastRoute[h];
      }
      int route = routeFor(o, cls, p, pcls, pr, slot);
      fastParent[h] = pr;
      fastSlot[h] = slot;
      fastClass[h] = cls;
      fastRoute[h] = route;
      return route;
    }
    return routeFor(o, cls, p, pcls, pr, slot);
  }

  private int rootRoute(int o, int cls) {
    String text = describer.describeRoot(o);
    int d = rootDescriptions.getInt(text);
    if (d < 0) {
      d = rootTexts.size();
      rootTexts.add(text);
      rootDescriptions.put(text, d);
    }
    return intern(NO_ROUTE, edgeId(ROOT_EDGE | d), cls, o);
  }

  /** The route of object {@code o} of class {@code cls}, reached from {@code p} (class {@code pcls}, route {@code pr}). */
  private int routeFor(int o, int cls, int p, int pcls, int pr, byte slot) {
    boolean sourceIsClass = pcls == javaLangClass && index.kind(p) == HeapIndex.KIND_CLASS;
    int label = EdgeSlots.decode(slot, sourceIsClass);
    if (label == EdgeSlots.REREAD) { // a slot that did not fit the byte (not < 0: a class's implicit edges are)
      label = describer.labelBetween(p, o, false);
    }
    long key;
    switch (EdgeLabel.kind(label)) {
      case EdgeLabel.FIELD -> key = ((long) pcls << 32) | (label & 0xFFFF_FFFFL);
      case EdgeLabel.STATIC -> key = ((long) index.classDescribedBy(p).index() << 32) | (label & 0xFFFF_FFFFL);
      default -> key = label & 0xFFFF_FFFFL;
    }
    int e = edgeId(key);
    if (pr >= 0 && (edge.getInt(pr) & ~STAR) == e && classIdx.getInt(pr) == cls && parent.getInt(pr) >= 0) {
      if ((edge.getInt(pr) & STAR) != 0) {
        return pr;
      }
      return intern(parent.getInt(pr), e | STAR, cls, o);
    }
    return intern(pr, e, cls, o);
  }

  private final long[] edgeCacheKey = new long[CACHE];
  private final int[] edgeCacheId = new int[CACHE];

  private int edgeId(long key) {
    int h = (int) (key ^ (key >>> 29) ^ (key >>> 41)) & (CACHE - 1);
    if (edgeCacheId[h] > 0 && edgeCacheKey[h] == key) {
      return edgeCacheId[h] - 1;
    }
    int id = edgeIds.get(key);
    if (id < 0) {
      id = edgeKeys.size();
      edgeKeys.add(key);
      edgeIds.put(key, id);
    }
    edgeCacheKey[h] = key;
    edgeCacheId[h] = id + 1;
    return id;
  }

  private int intern(int parentRoute, int edgeId, int cls, int object) {
    int h = (parentRoute * 31 + edgeId) * 31 + cls;
    h = (h ^ (h >>> 13)) & (CACHE - 1);
    if (cacheRoute[h] >= 0 && cacheParent[h] == parentRoute && cacheEdge[h] == edgeId && cacheClass[h] == cls) {
      return cacheRoute[h];
    }
    int route = internSlow(parentRoute, edgeId, cls, object);
    cacheParent[h] = parentRoute;
    cacheEdge[h] = edgeId;
    cacheClass[h] = cls;
    cacheRoute[h] = route;
    return route;
  }

  private int internSlow(int parentRoute, int edgeId, int cls, int object) {
    long k1 = ((long) parentRoute << 32) | (edgeId & 0xFFFF_FFFFL);
    int mid = firstLevel.get(k1);
    if (mid < 0) {
      mid = firstLevel.size();
      firstLevel.put(k1, mid);
    }
    long k2 = ((long) mid << 32) | cls;
    int node = nodes.get(k2);
    if (node < 0) {
      node = parent.size();
      parent.add(parentRoute);
      edge.add(edgeId);
      classIdx.add(cls);
      representative.add(object);
      nodes.put(k2, node);
    }
    return node;
  }

  /** The route of an object, or {@link #NO_ROUTE} when no root reaches it. */
  public int routeOf(int object) {
    return routeOf[object];
  }

  /**
   * Hands over the per-object route array ({@link #routeOf} of each object), for a caller that maps
   * routes to its own groups in place instead of allocating another 4 bytes per object; routeOf
   * fails from here on, routes and their steps stay.
   */
  public int[] takeRoutes() {
    int[] r = routeOf;
    routeOf = null;
    return r;
  }

  /** Routes are numbered from 0 to this count. */
  public int routeCount() {
    return parent.size();
  }

  /** The first object found on this route. */
  public int representative(int route) {
    return representative.getInt(route);
  }

  /** The steps of a route, root first, unfolded but for starred repeats; objects are representatives. */
  public List<Step> steps(int route) {
    if (edgeTexts == null || edgeTexts.length < edgeKeys.size()) {
      // Named routes may gain edges later (followOwners): the names found so far are kept.
      edgeTexts = Arrays.copyOf(edgeTexts == null ? new String[0] : edgeTexts, edgeKeys.size());
    }
    IntArrayList chain = new IntArrayList();
    for (int r = route; r >= 0; r = parent.getInt(r)) {
      chain.add(r);
    }
    List<Step> steps = new ArrayList<>(chain.size());
    for (int i = chain.size() - 1; i >= 0; i--) {
      int r = chain.getInt(i);
      int e = edge.getInt(r);
      String text = edgeText(e & ~STAR, r);
      if ((e & STAR) != 0) {
        text += "*";
      }
      if (steps.size() == 1 && steps.get(0).edge().startsWith("class ") && text.startsWith("static ")) {
        steps.remove(0);
      } else if (steps.size() == 1 && rubyClassRoot(steps.get(0).object())) {
        text = steps.remove(0).edge(); // as PathDescriber names what a Ruby class holds
      }
      int o = representative.getInt(r);
      steps.add(new Step(text, o, index.catalog().classAt(classIdx.getInt(r)).name()));
    }
    return steps;
  }

  private boolean rubyClassRoot(int object) {
    return index.catalog().file().ruby() != null && reach.rootRecord(object) == RootRecord.CLASS;
  }

  private String edgeText(int e, int route) {
    String t = edgeTexts[e];
    return t != null ? t : nameEdge(e, route);
  }

  /** An edge's text the first time a route asks for it; kept apart, so edgeText compiles small. */
  private String nameEdge(int e, int route) {
    String t;
    long key = edgeKeys.getLong(e);
    if (key == OWNED_EDGE) {
      t = OWNED;
    } else if ((key & ROOT_EDGE) != 0) {
      t = rootTexts.get((int) (key & 0xFFFF_FFFFL));
    } else {
      int p = parent.getInt(route);
      int parentObject = representative.getInt(p);
      t = describer.describeLabel(parentObject, (int) key, false);
    }
    edgeTexts[e] = t;
    return t;
  }
}
