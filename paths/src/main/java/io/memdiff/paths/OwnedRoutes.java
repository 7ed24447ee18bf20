package io.memdiff.paths;

import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.work.Parts;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.BitSet;

/**
 * Routes that follow each object's owner, for sites that must not depend on which of several equal
 * routes a search met first: a strongly reachable object's route continues its immediate
 * dominator's. Where the dominator holds the object directly, that reference is the step (it is the
 * shortest path's last step then: any other referrer lies below the dominator, so further from the
 * roots); where it holds it only through several routes (a cache's map and its access-order list, a
 * doubly linked list's neighbours), the step is {@link RouteTable#OWNED}. An object no single object
 * dominates (held by two roots) keeps its shortest path, which the roots' fixed order makes
 * deterministic.
 */
final class OwnedRoutes {
  /**
   * The fewest positions each thread of a marking pass over positions takes: {@link #follow}'s, and
   * {@link RouteTable#computeFor}'s.
   */
  static final int PARALLEL_FOLLOW = 1 << 19;

  private OwnedRoutes() {}

  /**
   * The owners' routes of a search's objects, made in one walk: a dominator precedes what it
   * dominates in breadth-first order, so its route is known when its objects' are made. The
   * analysis makes the same table faster with {@link #follow}; this is its definition, which the
   * tests hold it to.
   */
  static RouteTable compute(Reachability reach, Dominators dominators) {
    RouteTable t = new RouteTable(reach);
    int[] owners = dominators.immediateDominators();
    HeapIndex index = reach.graph().index();
    for (int i = 0; i < reach.reachedCount(); i++) {
      int o = reach.reachedAt(i);
      int pp = reach.parentPosition(i);
      if (pp >= 0 && reach.label(o) == Reachability.STRONG) {
        int owner = owners[o];
        if (owner != reach.reachedAt(pp) && owner >= 0 && t.routeOf[owner] >= 0) {
          t.routeOf[o] = t.ownedRoute(owner, index.classIndexOf(o), o);
          continue;
        }
      }
      t.walkAt(i);
    }
    return t;
  }

  /**
   * Turns a table of shortest-path routes ({@link RouteTable#compute}) into the one {@link #compute}
   * makes, once the owners of the objects held twice are known: the shortest-path table can be made
   * while the dominator tree is still being completed on another core, and in most heaps few
   * objects have an owner other than their shortest path's parent, so only those and what hangs
   * below them are walked again. Routes no object takes any more stay in the table, unused.
   */
  static void follow(RouteTable t, HeldTwice heldTwice) {
    follow(t, heldTwice, PARALLEL_FOLLOW);
  }

  /** @param parallelFrom the fewest positions a thread of the marking takes (tests try few) */
  static void follow(RouteTable t, HeldTwice heldTwice, int parallelFrom) {
    Reachability reach = t.reach;
    HeapIndex index = t.index;
    int[] routeOf = t.routeOf;
    // Only an object more than one reference reaches can have an owner other than its parent: the
    // others' owners are never read.
    int reached = reach.reachedCount();
    // Which positions hold an object whose owner is not its parent: the pass with a cache miss per
    // object, so split over the cores (at word boundaries, each part writing its own words).
    long[] ownedAt = new long[(reached + 63) >>> 6];
    Parts.run(0, reached, parallelFrom, "memdiff-owners",
        (from, to) -> markOwned(reach, heldTwice, routeOf, ownedAt, from, to));
    // Then in breadth-first order, parents first: those objects take their owner's route, and the
    // children of an object whose route changed are routed again below it. Only those positions are
    // visited: a child comes after its parent, so marking its position ahead of the walk suffices.
    // A referent's parent is the reference's holder, found by object: the referents are visited too.
    BitSet visit = BitSet.valueOf(ownedAt);
    IntArrayList referents = reach.referentPositions();
    for (int k = 0; k < referents.size(); k++) {
      visit.set(referents.getInt(k));
    }
    BitSet changedObject = new BitSet(routeOf.length);
    for (int i = visit.nextSetBit(0); i >= 0; i = visit.nextSetBit(i + 1)) {
      int pp = reach.parentPosition(i);
      int o = reach.reachedAt(i);
      int route;
      if ((ownedAt[i >>> 6] & (1L << i)) != 0) {
        route = t.ownedRoute(heldTwice.owner(o), index.classIndexOf(o), o);
      } else {
        int p = pp >= 0 ? reach.reachedAt(pp) : reach.referentHolder(o);
        if (pp < 0 && !changedObject.get(p)) {
          continue;
        }
        route = t.routeFromParent(i, o, index.classIndexOf(o), p);
      }
      if (route != routeOf[o]) {
        routeOf[o] = route;
        changedObject.set(o);
        long children = reach.childrenOf(i);
        visit.set((int) (children >>> 32), (int) children);
      }
    }
  }

  /** Marks the positions in {@code [from, to)} whose object its owner holds other than as its parent. */
  private static void markOwned(Reachability reach, HeldTwice heldTwice, int[] routeOf, long[] ownedAt, int from,
      int to) {
    for (int i = from; i < to; i++) {
      int o = reach.reachedAt(i);
      if (!heldTwice.contains(o)) {
        continue; // its one referrer is both its parent and its owner
      }
      // Read for the few held twice only: one array streams past instead of two.
      int pp = reach.parentPosition(i);
      if (pp < 0) {
        continue; // a root, or a referent: its route is its shortest path from the reference
      }
      int owner = heldTwice.owner(o);
      // The label is read last: most objects' owner is their parent, and each read is a cache miss.
      if (owner != reach.reachedAt(pp) && owner >= 0 && routeOf[owner] >= 0
          && reach.label(o) == Reachability.STRONG) {
        ownedAt[i >>> 6] |= 1L << i;
      }
    }
  }
}
