package io.memdiff.paths;

import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The breadth-first search of {@link Reachability} with the rows read on other threads. The queue is
 * cut into blocks of positions; a scanner reads a block's rows and keeps every reference to an
 * object it sees unreached, in row order, and this thread takes the blocks in queue order and adds
 * each kept object that is still unreached, as the one-thread search would: the same objects at the
 * same positions with the same parents. A scanner may read a label before this thread sets it, which
 * only keeps a reference this thread then drops, since labels only change from unreached to reached.
 * The rows' reads (a jump to each row and one to each target's label) are most of a search's time;
 * this thread's share is one label per kept reference, so while it waits for the next block it reads
 * a later one no scanner has started.
 */
final class PipelinedSearch implements AutoCloseable {
  /** Positions per block (a test sets a few). */
  static int blockPositions = 1 << 13;
  /** A search with fewer objects than this stays on one thread: starting others would take longer. */
  static int minObjects = 1 << 18;
  /**
   * The most references a scanner keeps for one block (a test sets a few): a block ends early rather
   * than pass it, and this thread reads the rest of its rows itself, so one huge array's row never
   * takes a copy of its size.
   */
  static int maxKept = 1 << 16;

  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int DONE = 2;
  private static final Block STOP = new Block();

  private final ObjectGraph graph;
  private final byte[] label;
  private final int[] queue;
  private final int scanners;
  private final LinkedBlockingQueue<Block> work = new LinkedBlockingQueue<>();
  private final ArrayDeque<Block> spare = new ArrayDeque<>();

  /** A block of positions, and the references its rows hold to objects unreached when read. */
  private static final class Block {
    final AtomicInteger state = new AtomicInteger();
    int from;
    int to;
    /** Where the scanner stopped: {@link #to}, or earlier when the next row would pass {@link #maxKept}. */
    int scannedTo;
    int count;
    int[] targets = new int[1024];
    byte[] slots = new byte[1024];
    int[] parents = new int[1024];
    Throwable failure;

    boolean take() {
      return state.compareAndSet(QUEUED, TAKEN);
    }

    synchronized void finish(Throwable failure) {
      this.failure = failure;
      state.set(DONE);
      notifyAll();
    }

    synchronized void await() {
      boolean interrupted = false;
      while (state.get() != DONE) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private PipelinedSearch(ObjectGraph graph, byte[] label, int[] queue, int scanners) {
    this.graph = graph;
    this.label = label;
    this.queue = queue;
    this.scanners = scanners;
    for (int k = 0; k < scanners; k++) {
      Tasks.run("memdiff-paths", this::scanBlocks);
    }
  }

  /** A search over these arrays with {@code scanners} threads besides the caller's; null when it would not pay. */
  static PipelinedSearch start(ObjectGraph graph, byte[] label, int[] queue, int scanners) {
    if (scanners <= 0 || graph.nodeCount() < minObjects) {
      return null;
    }
    return new PipelinedSearch(graph, label, queue, scanners);
  }

  /**
   * The search from the positions in {@code [head, tail)}, as {@link Reachability}'s one-thread
   * search makes it: returns the new tail.
   */
  int run(int head, int tail, byte kind, int[] parentPosition, byte[] slotAtPosition, Int2IntOpenHashMap sourcePosition) {
    int blockSize = blockPositions;
    int inFlightLimit = 2 * scanners + 2;
    ArrayDeque<Block> inFlight = new ArrayDeque<>();
    int scanFrom = head;
    while (true) {
      while (inFlight.size() < inFlightLimit && tail - scanFrom >= blockSize) {
        inFlight.add(handOut(scanFrom, scanFrom + blockSize));
        scanFrom += blockSize;
      }
      if (inFlight.isEmpty()) {
        if (scanFrom >= tail) {
          return tail;
        }
        // A short run of positions and nothing being read: read it here, as one thread would.
        int end = tail;
        tail = readRows(graph, label, queue, scanFrom, end, tail, kind, parentPosition, slotAtPosition, sourcePosition);
        scanFrom = end;
        continue;
      }
      Block b = inFlight.poll();
      if (b.take()) {
        // No scanner has started the block this thread needs next: read it here, as one thread would,
        // rather than wait (its entry left in the queue is skipped: taken).
        tail = readRows(graph, label, queue, b.from, b.to, tail, kind, parentPosition, slotAtPosition, sourcePosition);
        spare.add(b);
        continue;
      }
      // While a scanner reads it, read a later block no scanner has started.
      for (Block later : inFlight) {
        if (b.state.get() == DONE) {
          break;
        }
        if (later.take()) {
          scan(later);
          later.finish(null);
        }
      }
      b.await();
      if (b.failure != null) {
        throw failure(b.failure);
      }
      tail = merge(b, tail, kind, parentPosition, slotAtPosition, sourcePosition);
      spare.add(b);
    }
  }

  /** Queues a block of positions for the scanners. */
  private Block handOut(int from, int to) {
    Block b = spare.isEmpty() ? new Block() : spare.poll();
    b.from = from;
    b.to = to;
    b.count = 0;
    b.failure = null;
    // Last: a scanner that takes the block (from this hand-out or an old one of it still queued)
    // sees the fields above.
    b.state.set(QUEUED);
    work.add(b);
    return b;
  }

  private static RuntimeException failure(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private void scanBlocks() {
    while (true) {
      Block b;
      try {
        b = work.take();
      } catch (InterruptedException e) {
        return;
      }
      if (b == STOP) {
        return;
      }
      if (!b.take()) {
        continue;
      }
      try {
        scan(b);
        b.finish(null);
      } catch (Throwable t) {
        b.finish(t);
      }
    }
  }

  /** Keeps, in row order, each reference of the block's rows to an object that looks unreached. */
  private void scan(Block b) {
    int[] first = graph.edgeStarts();
    int[][] targetChunks = graph.edgeTargets();
    byte[][] slotChunks = graph.edgeSlots();
    int shift = graph.chunkShift();
    int[] base = graph.chunkBases();
    byte[] label = this.label;
    int[] queue = this.queue;
    int[] keptTargets = b.targets;
    byte[] keptSlots = b.slots;
    int[] keptParents = b.parents;
    int limit = maxKept;
    int count = 0;
    int position = b.from;
    for (; position < b.to; position++) {
      int o = queue[position];
      int c = o >>> shift;
      int[] targets = targetChunks[c];
      byte[] slots = slotChunks[c];
      int e = first[o] - base[c];
      int end = first[o + 1] - base[c];
      if (count + (end - e) > limit && (position > b.from || end - e > limit)) {
        break;
      }
      if (count + (end - e) > keptTargets.length) {
        int size = Math.min(limit, Math.max(2 * keptTargets.length, count + (end - e)));
        b.targets = keptTargets = Arrays.copyOf(keptTargets, size);
        b.slots = keptSlots = Arrays.copyOf(keptSlots, size);
        b.parents = keptParents = Arrays.copyOf(keptParents, size);
      }
      for (; e < end; e++) {
        int t = targets[e];
        if (label[t] <= Reachability.UNREACHABLE) {
          keptTargets[count] = t;
          keptSlots[count] = slots[e];
          keptParents[count] = position;
          count++;
        }
      }
    }
    b.scannedTo = position;
    b.count = count;
  }

  /** Adds the block's kept objects that are still unreached, in order; returns the new tail. */
  private int merge(Block b, int tail, byte kind, int[] parentPosition, byte[] slotAtPosition,
      Int2IntOpenHashMap sourcePosition) {
    byte[] label = this.label;
    int[] queue = this.queue;
    int[] keptTargets = b.targets;
    byte[] keptSlots = b.slots;
    int[] keptParents = b.parents;
    for (int i = 0, n = b.count; i < n; i++) {
      int t = keptTargets[i];
      byte l = label[t];
      if (l <= Reachability.UNREACHABLE) {
        if (l == Reachability.UNREACHED_HOLDER) {
          sourcePosition.put(t, tail);
        }
        label[t] = kind;
        parentPosition[tail] = keptParents[i];
        slotAtPosition[tail] = keptSlots[i];
        queue[tail++] = t;
      }
    }
    return b.scannedTo < b.to
        ? readRows(graph, label, queue, b.scannedTo, b.to, tail, kind, parentPosition, slotAtPosition, sourcePosition)
        : tail;
  }

  /**
   * The one-thread search's step: adds what the rows of the positions in {@code [from, to)} reach
   * that is unreached, at {@code tail} on; returns the new tail.
   */
  static int readRows(ObjectGraph graph, byte[] label, int[] queue, int from, int to, int tail, byte kind,
      int[] parentPosition, byte[] slotAtPosition, Int2IntOpenHashMap sourcePosition) {
    int[] first = graph.edgeStarts();
    int[][] targetChunks = graph.edgeTargets();
    byte[][] slotChunks = graph.edgeSlots();
    int shift = graph.chunkShift();
    int[] base = graph.chunkBases();
    for (int position = from; position < to; position++) {
      int o = queue[position];
      int c = o >>> shift;
      int[] targets = targetChunks[c];
      byte[] slots = slotChunks[c];
      for (int e = first[o] - base[c], end = first[o + 1] - base[c]; e < end; e++) {
        int t = targets[e];
        byte l = label[t];
        if (l <= Reachability.UNREACHABLE) {
          if (l == Reachability.UNREACHED_HOLDER) {
            sourcePosition.put(t, tail);
          }
          label[t] = kind;
          parentPosition[tail] = position;
          slotAtPosition[tail] = slots[e];
          queue[tail++] = t;
        }
      }
    }
    return tail;
  }

  /** Stops the scanners (they end once they see this, whatever they were doing). */
  @Override
  public void close() {
    for (int k = 0; k < scanners; k++) {
      work.add(STOP);
    }
  }
}
