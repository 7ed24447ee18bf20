package io.memdiff.paths;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;

/**
 * Shortest paths from the GC roots: a breadth-first search over strong references from a virtual
 * root whose children are every class (so statics read as {@code static C.f}) and every root record,
 * in an order fixed by names and root kinds ({@link RootOrder}), so the same dump gives the same
 * paths whatever its record order. A second search follows soft, weak, finalizer and phantom
 * referents into objects nothing strong reaches, labelling them; objects no root reaches at all stay
 * {@link #UNREACHABLE} (memdiff's policy: kept and labelled, never on a path, retaining only
 * themselves).
 */
public final class Reachability {
  public static final byte UNREACHABLE = 0;
  public static final byte STRONG = 1;
  public static final byte SOFT = 2;
  public static final byte WEAK = 3;
  public static final byte FINALIZER = 4;
  public static final byte PHANTOM = 5;
  /** During the search only: a holder of a soft/weak/finalizer/phantom reference not reached yet. */
  static final byte UNREACHED_HOLDER = -1;

  private static final String[] LABELS = {"unreachable", "strong", "soft", "weak", "finalizer", "phantom"};

  private final ObjectGraph graph;
  /** The label of each object; the search's visited mark too. */
  private final byte[] label;
  /** Objects in breadth-first order, in {@code [0, reached)}; sized for every object, never trimmed (no copy). */
  private final int[] order;
  private int reached;
  /**
   * Where each breadth-first run ends in {@link #order}: the strong one from the lasting roots, the
   * strong one from the stack roots (when they reach anything more), then each soft, weak, finalizer
   * and phantom round's. Within a run, parent positions never decrease (roots and
   * referents, whose parent is no position, come first), so an object's children are the run's
   * positions whose parent it is, found by binary search.
   */
  private final IntArrayList runEnds = new IntArrayList();
  /** Per position in {@link #order}: the position of the object's parent, or a {@link ParentLinks} value. */
  private final int[] parentPosition;
  /** Per position in {@link #order}: how the parent holds the object there, an {@link EdgeSlots} code. */
  private final byte[] slotAtPosition;
  private final int rootCount;
  private final Int2IntOpenHashMap rootRecordOf;
  /** The holder of each soft/weak/finalizer/phantom referent that such a reference reached first. */
  private final Int2IntOpenHashMap referentHolder;
  /**
   * Each object's position in {@link #order}, for the parent of single objects: 4 bytes per object
   * that the analysis itself does without (it walks positions), so built on first use.
   */
  private int[] positionOf;
  /** The stack roots' objects and records, in their order: searched from after the lasting roots. */
  private final IntArrayList stackObjects;
  private final IntArrayList stackRecords;
  /** Set during {@link #search(int)} when other threads read the rows. */
  private PipelinedSearch pipeline;

  private Reachability(ObjectGraph graph, byte[] label, int[] order, int reached, int[] parentPosition,
      byte[] slotAtPosition, int rootCount, Int2IntOpenHashMap rootRecordOf, Int2IntOpenHashMap referentHolder,
      IntArrayList stackObjects, IntArrayList stackRecords) {
    this.graph = graph;
    this.label = label;
    this.order = order;
    this.reached = reached;
    this.parentPosition = parentPosition;
    this.slotAtPosition = slotAtPosition;
    this.rootCount = rootCount;
    this.rootRecordOf = rootRecordOf;
    this.referentHolder = referentHolder;
    this.stackObjects = stackObjects;
    this.stackRecords = stackRecords;
  }

  public static Reachability compute(ObjectGraph graph) {
    Reachability r = seed(graph);
    r.search();
    return r;
  }

  /**
   * The roots, in their fixed order at the first positions; {@link #search} finds the rest. Between
   * the two, another thread may search from the same roots (see {@link DominatorSearch#strong}).
   */
  static Reachability seed(ObjectGraph graph) {
    int n = graph.nodeCount();
    byte[] label = new byte[n];
    int[] queue = new int[n];
    // Filled in queue order, so sequentially: what the route table reads per position instead of
    // jumping from each object to its parent.
    int[] parentPosition = new int[n];
    byte[] slotAtPosition = new byte[n];
    Int2IntOpenHashMap rootRecordOf = new Int2IntOpenHashMap();
    Int2IntOpenHashMap referentHolder = new Int2IntOpenHashMap();
    referentHolder.defaultReturnValue(ParentLinks.NO_OBJECT);
    IntArrayList stackObjects = new IntArrayList();
    IntArrayList stackRecords = new IntArrayList();
    int roots = RootOrder.seed(graph, label, queue, parentPosition, rootRecordOf, stackObjects, stackRecords);
    return new Reachability(graph, label, queue, roots, parentPosition, slotAtPosition, roots, rootRecordOf,
        referentHolder, stackObjects, stackRecords);
  }

  /**
   * The searches from the seeded roots: strong references first, then soft, weak, finalizer and
   * phantom referents into what is left. Runs once, on one thread.
   */
  void search() {
    search(0);
  }

  /**
   * {@link #search()}, with {@code scanners} more threads reading the rows (the same result whatever
   * their number; see {@link PipelinedSearch}).
   */
  void search(int scanners) {
    try (PipelinedSearch pipeline = PipelinedSearch.start(graph, label, order, scanners)) {
      this.pipeline = pipeline;
      searchAll();
    } finally {
      this.pipeline = null;
    }
  }

  private void searchAll() {
    ObjectGraph graph = this.graph;
    int weakEdges = graph.weakEdgeCount();
    // Referents are taken in the breadth-first order of the references that hold them, not in the
    // file's order, so that a referent two references hold gets the same one whatever the addresses:
    // the searches note where each holder of such a reference comes. A holder not yet reached is
    // labelled UNREACHED_HOLDER meanwhile, so the search's one read of a label tells it apart.
    Int2IntOpenHashMap sourcePosition = new Int2IntOpenHashMap();
    sourcePosition.defaultReturnValue(Integer.MAX_VALUE);
    boolean rootHolders = false;
    for (int i = 0; i < weakEdges; i++) {
      int src = graph.weakSource(i);
      if (label[src] == UNREACHABLE) {
        label[src] = UNREACHED_HOLDER;
      } else {
        rootHolders |= label[src] != UNREACHED_HOLDER;
      }
    }
    if (rootHolders) {
      // Only the seeded roots are labelled before the search.
      IntOpenHashSet holders = new IntOpenHashSet();
      for (int i = 0; i < weakEdges; i++) {
        holders.add(graph.weakSource(i));
      }
      for (int i = 0; i < rootCount; i++) {
        if (holders.contains(order[i])) {
          sourcePosition.put(order[i], i);
        }
      }
    }
    int tail = bfs(0, rootCount, STRONG, sourcePosition);
    runEnds.add(tail);
    // Then the stack roots, for what the lasting ones do not reach: an object a static, a thread or a
    // global holds keeps that route whether or not a thread had it in a local at the dump, so its
    // site does not depend on where the threads stood. A run of its own: its roots come first in it.
    int stackHead = tail;
    for (int k = 0; k < stackObjects.size(); k++) {
      int o = stackObjects.getInt(k);
      if (label[o] <= UNREACHABLE) {
        reach(o, STRONG, tail, sourcePosition);
        rootRecordOf.put(o, stackRecords.getInt(k));
        parentPosition[tail] = ParentLinks.VIRTUAL_ROOT;
        order[tail++] = o;
      }
    }
    if (tail > stackHead) {
      tail = bfs(stackHead, tail, STRONG, sourcePosition);
      runEnds.add(tail);
    }
    if (weakEdges > 0) {
      byte[] weakOrder = {SOFT, WEAK, FINALIZER, PHANTOM};
      for (int round = 0; round < 2; round++) {
        for (byte kind : weakOrder) {
          int head = tail;
          IntArrayList edges = new IntArrayList();
          for (int i = 0; i < weakEdges; i++) {
            if (graph.weakKind(i) == kind && label[graph.weakSource(i)] > UNREACHABLE) {
              edges.add(i);
            }
          }
          int[] sorted = edges.toIntArray();
          IntArrays.stableSort(sorted, (x, y) -> Integer.compare(sourcePosition.get(graph.weakSource(x)),
              sourcePosition.get(graph.weakSource(y))));
          for (int i : sorted) {
            int s = graph.weakSource(i);
            int t = graph.weakTarget(i);
            if (label[t] <= UNREACHABLE) {
              reach(t, kind, tail, sourcePosition);
              referentHolder.put(t, s);
              parentPosition[tail] = ParentLinks.HOLDER_BY_OBJECT; // the holder is somewhere earlier
              slotAtPosition[tail] = graph.weakSlot(i);
              order[tail++] = t;
            }
          }
          tail = bfs(head, tail, kind, sourcePosition);
          runEnds.add(tail);
        }
      }
      for (int i = 0; i < weakEdges; i++) {
        int src = graph.weakSource(i);
        if (label[src] == UNREACHED_HOLDER) {
          label[src] = UNREACHABLE;
        }
      }
    }
    reached = tail;
  }

  /** Labels an object the search reaches at {@code position}, noting the position of a reference holder. */
  private void reach(int object, byte kind, int position, Int2IntOpenHashMap sourcePosition) {
    if (label[object] == UNREACHED_HOLDER) {
      sourcePosition.put(object, position);
    }
    label[object] = kind;
  }

  /**
   * One breadth-first search over strong references from the positions in {@code [head, tail)},
   * noting the position of each reference holder it adds.
   */
  private int bfs(int head, int tail, byte kind, Int2IntOpenHashMap sourcePosition) {
    if (pipeline != null) {
      return pipeline.run(head, tail, kind, parentPosition, slotAtPosition, sourcePosition);
    }
    // A level at a time: what a level adds comes after it, as a queue read position by position has it.
    while (head < tail) {
      int end = tail;
      tail = PipelinedSearch.readRows(graph, label, order, head, end, tail, kind, parentPosition, slotAtPosition,
          sourcePosition);
      head = end;
    }
    return tail;
  }

  public ObjectGraph graph() {
    return graph;
  }

  /**
   * The object that first reached {@code object}: {@link ParentLinks#VIRTUAL_ROOT} for a root,
   * {@link ParentLinks#NO_OBJECT} if unreachable.
   */
  public int parent(int object) {
    if (label[object] == UNREACHABLE) {
      return ParentLinks.NO_OBJECT;
    }
    int pp = parentPosition[positionOf()[object]];
    if (pp >= 0) {
      return order[pp];
    }
    return pp == ParentLinks.VIRTUAL_ROOT ? ParentLinks.VIRTUAL_ROOT : referentHolder.get(object);
  }

  /**
   * The object whose soft/weak/finalizer/phantom reference first reached this referent, or
   * {@link ParentLinks#NO_OBJECT}.
   */
  public int referentHolder(int object) {
    return referentHolder.get(object);
  }

  /** The breadth-first position of a reached object (the first call builds the inverse of the order). */
  int position(int object) {
    return positionOf()[object];
  }

  private synchronized int[] positionOf() {
    if (positionOf == null) {
      int[] p = new int[label.length];
      for (int i = 0; i < reached; i++) {
        p[order[i]] = i;
      }
      positionOf = p;
    }
    return positionOf;
  }

  public byte label(int object) {
    return label[object];
  }

  public static String labelName(byte label) {
    return LABELS[label];
  }

  /** Reached objects in breadth-first order: every parent precedes its children. */
  public int reachedCount() {
    return reached;
  }

  public int reachedAt(int position) {
    return order[position];
  }

  /**
   * The position in breadth-first order of the parent of the object at {@code position}:
   * {@link ParentLinks#VIRTUAL_ROOT} for a root, {@link ParentLinks#HOLDER_BY_OBJECT} when not
   * recorded (a soft/weak/finalizer/phantom referent; ask {@link #referentHolder}). A parent precedes
   * its children.
   */
  public int parentPosition(int position) {
    return parentPosition[position];
  }

  /**
   * The positions of the children of the object at {@code position}: {@code [from, to)} as a long,
   * {@code from} in the high half; empty when it has none. A child's parent position is its own.
   */
  long childrenOf(int position) {
    int run = 0;
    while (runEnds.getInt(run) <= position) {
      run++;
    }
    int start = run == 0 ? 0 : runEnds.getInt(run - 1);
    int end = runEnds.getInt(run);
    int from = firstWithParentAtLeast(position, start, end);
    int to = firstWithParentAtLeast(position + 1, from, end);
    return (long) from << 32 | to;
  }

  private int firstWithParentAtLeast(int value, int from, int to) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (parentPosition[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The positions of the soft/weak/finalizer/phantom referents that begin each run after the strong one. */
  IntArrayList referentPositions() {
    IntArrayList out = new IntArrayList();
    for (int run = 1; run < runEnds.size(); run++) {
      int end = runEnds.getInt(run);
      for (int i = runEnds.getInt(run - 1); i < end && parentPosition[i] == ParentLinks.HOLDER_BY_OBJECT; i++) {
        out.add(i);
      }
    }
    return out;
  }

  /** How the parent holds the object at a position in breadth-first order, an {@link EdgeSlots} code. */
  public byte slotAtPosition(int position) {
    return slotAtPosition[position];
  }

  /** The lasting roots, at the first positions; the stack roots are found by {@link #search}. */
  public int rootCount() {
    return rootCount;
  }

  /**
   * Every root object, lasting roots first, then the stack roots none of them is: what a search
   * that does not care which route reaches an object (the dominator tree's) starts from.
   */
  int[] rootObjects() {
    IntArrayList all = new IntArrayList(rootCount + stackObjects.size());
    long[] seen = new long[(label.length + 63) >>> 6];
    for (int r = 0; r < rootCount; r++) {
      int o = order[r];
      all.add(o);
      seen[o >>> 6] |= 1L << o;
    }
    for (int k = 0; k < stackObjects.size(); k++) {
      int o = stackObjects.getInt(k);
      if ((seen[o >>> 6] & (1L << o)) == 0) {
        seen[o >>> 6] |= 1L << o;
        all.add(o);
      }
    }
    return all.toIntArray();
  }

  /**
   * The index of the root record that made {@code object} a root, {@link RootRecord#CLASS} for a
   * class, or {@link RootRecord#NOT_A_ROOT}.
   */
  public int rootRecord(int object) {
    return rootRecordOf.getOrDefault(object, RootRecord.NOT_A_ROOT);
  }

  /** Path from a root to {@code object} as object indexes, root first; empty when unreachable. */
  public int[] pathTo(int object) {
    if (label[object] == UNREACHABLE) {
      return new int[0];
    }
    IntArrayList path = new IntArrayList();
    for (int o = object; o >= 0; o = parent(o)) {
      path.add(o);
    }
    int[] p = path.toIntArray();
    for (int i = 0, j = p.length - 1; i < j; i++, j--) {
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}