package io.memdiff.paths;

import java.util.Arrays;

/**
 * The dominator tree of the reachable heap and each object's retained size, by Lengauer–Tarjan
 * (simple link/eval with iterative path compression: no recursion to overflow on a million-long
 * list, no quadratic worst case). The graph is the strong references plus the soft/weak/finalizer/
 * phantom referents into objects that only such references reach, under a virtual root whose
 * children are {@link Reachability}'s roots. Unreachable objects dominate and retain only themselves.
 */
public final class Dominators {
  /** {@link #idom} of a root object: the virtual root. */
  public static final int VIRTUAL_ROOT = -2;

  private final int[] idom;
  private final long[] retained;
  private final long[] shallow;
  private final int[] preorder;

  private Dominators(int[] idom, long[] retained, long[] shallow, int[] preorder) {
    this.idom = idom;
    this.retained = retained;
    this.shallow = shallow;
    this.preorder = preorder;
  }

  public static Dominators compute(Reachability reach) {
    ObjectGraph g = reach.graph();
    int n = g.nodeCount();
    int[] extraFirst = null;
    int[] extraTargets = null;
    if (g.weakEdgeCount() > 0) {
      extraFirst = new int[n + 1];
      int m = 0;
      for (int i = 0; i < g.weakEdgeCount(); i++) {
        if (weakEdgeCounts(reach, g, i)) {
          extraFirst[g.weakSource(i) + 1]++;
          m++;
        }
      }
      for (int o = 0; o < n; o++) {
        extraFirst[o + 1] += extraFirst[o];
      }
      extraTargets = new int[m];
      int[] fill = Arrays.copyOf(extraFirst, n);
      for (int i = 0; i < g.weakEdgeCount(); i++) {
        if (weakEdgeCounts(reach, g, i)) {
          extraTargets[fill[g.weakSource(i)]++] = g.weakTarget(i);
        }
      }
    }

    // 1. Depth-first numbering: the virtual root is 0, reached objects 1..count.
    // dfnum: 0 = not yet visited, −1 = unreachable (never visited), else the depth-first number.
    int[] dfnum = new int[n];
    for (int o = 0; o < n; o++) {
      if (reach.label(o) == Reachability.UNREACHABLE) {
        dfnum[o] = -1;
      }
    }
    int[] vertex = new int[n + 1];
    int[] dfsParent = new int[n + 1];
    vertex[0] = -1;
    int count = 0;
    {
      int[] stackNode = new int[n + 1];
      int[] stackEdge = new int[n + 1];
      boolean[] inExtra = new boolean[n + 1];
      int roots = reach.rootCount();
      int rootCursor = 0;
      int top = -1;
      while (true) {
        int next = -1;
        int from;
        if (top < 0) {
          if (rootCursor >= roots) {
            break;
          }
          next = reach.reachedAt(rootCursor++);
          from = 0;
          if (dfnum[next] != 0) {
            continue;
          }
        } else {
          int o = stackNode[top];
          from = dfnum[o];
          if (!inExtra[top]) {
            int e = stackEdge[top];
            if (e < g.endEdge(o)) {
              stackEdge[top] = e + 1;
              next = g.target(e);
            } else if (extraFirst != null) {
              inExtra[top] = true;
              stackEdge[top] = extraFirst[o];
              continue;
            } else {
              top--;
              continue;
            }
          } else {
            int e = stackEdge[top];
            if (e < extraFirst[o + 1]) {
              stackEdge[top] = e + 1;
              next = extraTargets[e];
            } else {
              top--;
              continue;
            }
          }
          if (dfnum[next] != 0) {
            continue;
          }
        }
        int num = ++count;
        dfnum[next] = num;
        vertex[num] = next;
        dfsParent[num] = from;
        top++;
        stackNode[top] = next;
        stackEdge[top] = g.firstEdge(next);
        inExtra[top] = false;
      }
    }

    // 2. Predecessors in dfnum space (0 = virtual root for the roots). Objects are visited in index
    // order, so the reference rows are read sequentially; only dfnum lookups jump.
    int[] predFirst = new int[count + 2];
    for (int o = 0; o < n; o++) {
      int w = dfnum[o];
      if (w <= 0) {
        continue;
      }
      if (reach.parent(o) == Reachability.ROOT) {
        predFirst[w + 1]++;
      }
      for (int e = g.firstEdge(o), end = g.endEdge(o); e < end; e++) {
        int t = dfnum[g.target(e)];
        if (t > 0) {
          predFirst[t + 1]++;
        }
      }
      if (extraFirst != null) {
        for (int e = extraFirst[o]; e < extraFirst[o + 1]; e++) {
          int t = dfnum[extraTargets[e]];
          if (t > 0) {
            predFirst[t + 1]++;
          }
        }
      }
    }
    for (int w = 0; w <= count; w++) {
      predFirst[w + 1] += predFirst[w];
    }
    int[] preds = new int[predFirst[count + 1]];
    {
      int[] fill = Arrays.copyOf(predFirst, count + 1);
      for (int o = 0; o < n; o++) {
        int w = dfnum[o];
        if (w <= 0) {
          continue;
        }
        if (reach.parent(o) == Reachability.ROOT) {
          preds[fill[w]++] = 0;
        }
        for (int e = g.firstEdge(o), end = g.endEdge(o); e < end; e++) {
          int t = dfnum[g.target(e)];
          if (t > 0) {
            preds[fill[t]++] = w;
          }
        }
        if (extraFirst != null) {
          for (int e = extraFirst[o]; e < extraFirst[o + 1]; e++) {
            int t = dfnum[extraTargets[e]];
            if (t > 0) {
              preds[fill[t]++] = w;
            }
          }
        }
      }
    }
    extraFirst = null;
    extraTargets = null;

    // 3. Lengauer–Tarjan over dfnum space. semi, label and ancestor of a vertex sit side by side in
    // one array (stride 4), so path compression touches one cache line per vertex, not three.
    int[] lt = new int[4 * (count + 1)];
    int[] dom = new int[count + 1];
    int[] bucketHead = new int[count + 1];
    int[] bucketNext = new int[count + 1];
    int[] stack = new int[count + 1];
    for (int w = 0; w <= count; w++) {
      lt[4 * w + SEMI] = w;
      lt[4 * w + LABEL] = w;
      lt[4 * w + ANCESTOR] = -1;
      bucketHead[w] = -1;
    }
    for (int w = count; w >= 1; w--) {
      int semiW = lt[4 * w + SEMI];
      for (int p = predFirst[w]; p < predFirst[w + 1]; p++) {
        int u = eval(preds[p], lt, stack);
        int semiU = lt[4 * u + SEMI];
        if (semiU < semiW) {
          semiW = semiU;
        }
      }
      lt[4 * w + SEMI] = semiW;
      bucketNext[w] = bucketHead[semiW];
      bucketHead[semiW] = w;
      int par = dfsParent[w];
      lt[4 * w + ANCESTOR] = par;
      for (int v = bucketHead[par]; v != -1; v = bucketNext[v]) {
        int u = eval(v, lt, stack);
        dom[v] = lt[4 * u + SEMI] < lt[4 * v + SEMI] ? u : par;
      }
      bucketHead[par] = -1;
    }
    for (int w = 1; w <= count; w++) {
      if (dom[w] != lt[4 * w + SEMI]) {
        dom[w] = dom[dom[w]];
      }
    }
    lt = bucketHead = bucketNext = stack = preds = predFirst = null;

    // 4. Retained sizes: a dominator precedes its nodes in depth-first order.
    long[] shallow = g.shallowSizes();
    int[] idom = new int[n];
    Arrays.fill(idom, Reachability.NONE);
    for (int w = 1; w <= count; w++) {
      idom[vertex[w]] = dom[w] == 0 ? VIRTUAL_ROOT : vertex[dom[w]];
    }
    dom = null;
    long[] retained = shallow.clone();
    for (int w = count; w >= 1; w--) {
      int o = vertex[w];
      int d = idom[o];
      if (d >= 0) {
        retained[d] += retained[o];
      }
    }
    return new Dominators(idom, retained, shallow, Arrays.copyOfRange(vertex, 1, count + 1));
  }

  private static boolean weakEdgeCounts(Reachability reach, ObjectGraph g, int i) {
    byte l = reach.label(g.weakTarget(i));
    return l != Reachability.STRONG && l != Reachability.UNREACHABLE && reach.label(g.weakSource(i)) != Reachability.UNREACHABLE;
  }

  private static final int SEMI = 0;
  private static final int LABEL = 1;
  private static final int ANCESTOR = 2;

  private static int eval(int v, int[] lt, int[] stack) {
    if (lt[4 * v + ANCESTOR] == -1) {
      return v;
    }
    // Path compression, iteratively: collect the path, then fold labels from the top down.
    int top = 0;
    int x = v;
    while (lt[4 * lt[4 * x + ANCESTOR] + ANCESTOR] != -1) {
      stack[top++] = x;
      x = lt[4 * x + ANCESTOR];
    }
    while (top > 0) {
      x = stack[--top];
      int a = lt[4 * x + ANCESTOR];
      int labelA = lt[4 * a + LABEL];
      if (lt[4 * labelA + SEMI] < lt[4 * lt[4 * x + LABEL] + SEMI]) {
        lt[4 * x + LABEL] = labelA;
      }
      lt[4 * x + ANCESTOR] = lt[4 * a + ANCESTOR];
    }
    return lt[4 * v + LABEL];
  }

  /** Immediate dominator: an object index, {@link #VIRTUAL_ROOT}, or −1 when unreachable. */
  public int idom(int object) {
    return idom[object];
  }

  public long retained(int object) {
    return retained[object];
  }

  public long shallow(int object) {
    return shallow[object];
  }

  /** Reached objects in depth-first preorder: every dominator precedes what it dominates. */
  public int[] preorder() {
    return preorder;
  }

  /**
   * Retained bytes of groups of objects (classes, sites): the sum over a group's members that no other
   * member of the same group dominates, so nothing is counted twice.
   *
   * @param groupOf group of each object, or −1 for none
   */
  public long[] retainedByGroup(int[] groupOf, int groups) {
    int n = idom.length;
    // Walk the dominator tree depth-first with a count of open members per group.
    int[] childFirst = new int[n + 2];
    int rootsCount = 0;
    for (int o : preorder) {
      int d = idom[o];
      if (d >= 0) {
        childFirst[d + 1]++;
      } else {
        rootsCount++;
      }
    }
    for (int o = 0; o <= n; o++) {
      childFirst[o + 1] += childFirst[o];
    }
    int[] children = new int[childFirst[n]];
    int[] fill = Arrays.copyOf(childFirst, n + 1);
    int[] treeRoots = new int[rootsCount];
    int r = 0;
    for (int o : preorder) {
      int d = idom[o];
      if (d >= 0) {
        children[fill[d]++] = o;
      } else {
        treeRoots[r++] = o;
      }
    }
    long[] totals = new long[groups];
    int[] open = new int[groups];
    int[] stackNode = new int[n + 1];
    int[] stackCursor = new int[n + 1];
    for (int root : treeRoots) {
      int top = 0;
      stackNode[0] = root;
      stackCursor[0] = childFirst[root];
      enter(root, groupOf, open, totals);
      while (top >= 0) {
        int o = stackNode[top];
        int c = stackCursor[top];
        if (c < childFirst[o + 1]) {
          stackCursor[top] = c + 1;
          int child = children[c];
          enter(child, groupOf, open, totals);
          top++;
          stackNode[top] = child;
          stackCursor[top] = childFirst[child];
        } else {
          int gr = groupOf[o];
          if (gr >= 0) {
            open[gr]--;
          }
          top--;
        }
      }
    }
    // Unreachable members retain only themselves.
    for (int o = 0; o < n; o++) {
      if (idom[o] == Reachability.NONE && groupOf[o] >= 0) {
        totals[groupOf[o]] += shallow[o];
      }
    }
    return totals;
  }

  private void enter(int o, int[] groupOf, int[] open, long[] totals) {
    int gr = groupOf[o];
    if (gr >= 0) {
      if (open[gr] == 0) {
        totals[gr] += retained[o];
      }
      open[gr]++;
    }
  }
}
