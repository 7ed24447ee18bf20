package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference graph's rows: read in two halves into blocks, then copied into one array per chunk. */
class ObjectGraphTest {
  @Test
  void everyObjectsRowHoldsItsStrongReferencesInRecordOrder() throws Exception {
    Path dump = PathShapesDump.get();
    try (HprofFile f = HprofFile.open(dump)) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE),
          ScanOptions.STRICT);
      ObjectGraph graph = ObjectGraph.build(index);
      ReferenceKinds kinds = new ReferenceKinds(index.catalog());
      int n = index.objectCount();
      assertThat(graph.nodeCount()).isEqualTo(n);
      IntArrayList expected = new IntArrayList();
      long weak = 0;
      long edges = 0;
      for (int o = 0; o < n; o++) {
        expected.clear();
        int source = o;
        long[] weakHere = {0};
        index.forEachReference(o, (label, address) -> {
          int t = index.indexOf(address);
          if (EdgeLabel.kind(label) == EdgeLabel.CLASS_OF || t < 0) {
            return;
          }
          if (EdgeLabel.kind(label) == EdgeLabel.FIELD
              && kinds.weakening(index.classIndexOf(source), EdgeLabel.value(label)) != 0) {
            weakHere[0]++;
            return;
          }
          expected.add(t);
        });
        weak += weakHere[0];
        assertThat(row(graph, o)).as("row of object %d", o).containsExactly(expected.toIntArray());
        edges += expected.size();
      }
      assertThat(graph.edgeCount()).isEqualTo(edges);
      // The rows of the second half were moved: the dump is big enough that both halves have some.
      assertThat(graph.edgeStarts()[n / 2]).isPositive().isLessThan((int) graph.edgeCount());
      assertThat(weak).isGreaterThanOrEqualTo(graph.weakEdgeCount()).isPositive();
      assertThat(graph.chunkCount()).isEqualTo(1);
    }
  }

  private static int[] row(ObjectGraph graph, int o) {
    int[] row = new int[graph.referenceCount(o)];
    for (int k = 0; k < row.length; k++) {
      row[k] = graph.target(o, k);
    }
    return row;
  }

  /**
   * A heap with more references than an array holds is cut into chunks of objects, each with arrays
   * of its own: forced here with chunks of at most a few thousand to a few hundred thousand
   * references, every row is the one-chunk graph's, and each chunk keeps within its limit.
   */
  @ParameterizedTest
  @ValueSource(longs = {5000, 40_000, 300_000})
  void rowsAreTheSameWhenTheReferencesAreCutIntoChunks(long maxChunkEdges) throws Exception {
    try (HprofFile f = HprofFile.open(PathShapesDump.get())) {
      HeapIndex index = index(f);
      assertCutKeepsEveryRow(index, ObjectGraph.build(index), maxChunkEdges);
    }
  }

  /** The limit is the widest row's: every chunk fits; one less, the object alone exceeds it, and it is said. */
  @Test
  void aChunkHoldsTheWidestRowOrTheGraphIsRefused() throws Exception {
    try (HprofFile f = HprofFile.open(PathShapesDump.get())) {
      HeapIndex index = index(f);
      ObjectGraph whole = ObjectGraph.build(index);
      int widest = 0;
      for (int o = 0; o < whole.nodeCount(); o++) {
        widest = Math.max(widest, whole.referenceCount(o));
      }
      assertThat(widest).isGreaterThan(100);
      assertCutKeepsEveryRow(index, whole, widest);
      ObjectGraph.maxChunkEdges = widest - 1;
      try {
        assertThatThrownBy(() -> ObjectGraph.build(index)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("holds more than " + (widest - 1) + " references, which memdiff does not support");
      } finally {
        ObjectGraph.maxChunkEdges = 0;
      }
    }
  }

  private static HeapIndex index(HprofFile f) throws Exception {
    return HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), ScanOptions.STRICT);
  }

  private static void assertCutKeepsEveryRow(HeapIndex index, ObjectGraph whole, long maxChunkEdges) {
    ObjectGraph cut;
    ObjectGraph.maxChunkEdges = maxChunkEdges;
    try {
      cut = ObjectGraph.build(index);
    } finally {
      ObjectGraph.maxChunkEdges = 0;
    }
    assertThat(cut.chunkCount()).isGreaterThan(1);
    assertThat(cut.edgeCount()).isEqualTo(whole.edgeCount());
    for (int c = 0; c < cut.chunkCount(); c++) {
      assertThat(cut.edgeTargets()[c].length).as("chunk %d", c).isLessThanOrEqualTo((int) maxChunkEdges);
      assertThat(cut.edgeSlots()[c].length).isEqualTo(cut.edgeTargets()[c].length);
    }
    for (int o = 0; o < whole.nodeCount(); o++) {
      assertThat(row(cut, o)).as("row of object %d", o).containsExactly(row(whole, o));
      int c = o >>> cut.chunkShift();
      int at = cut.edgeStarts()[o] - cut.chunkBases()[c];
      for (int k = 0; k < cut.referenceCount(o); k++) {
        assertThat(cut.edgeSlots()[c][at + k]).isEqualTo(whole.edgeSlots()[0][whole.edgeStarts()[o] + k]);
      }
    }
  }

  /** Positions kept modulo 2^32 still give each row's length and each chunk's start past 2^32 edges. */
  @Test
  void chunksArePlacedByExactPositionsPastTwoToThe32() {
    int n = 1 << 20;
    long perObject = 5000; // 5.2 G edges in all
    int[] first = new int[n + 1];
    for (int o = 0; o <= n; o++) {
      first[o] = (int) (o * perObject);
    }
    long total = n * perObject;
    ObjectGraph.Chunks chunks = ObjectGraph.Chunks.of(first, total, ObjectGraph.MAX_EDGES);
    // 2^18 objects hold 1.3 G edges, 2^19 hold 2.6 G: four chunks.
    assertThat(chunks.shift()).isEqualTo(18);
    assertThat(chunks.count()).isEqualTo(4);
    for (int c = 0; c <= 4; c++) {
      assertThat(chunks.start()[c]).isEqualTo(Math.min(total, ((long) c << 18) * perObject));
    }
  }

  @Test
  void blocksKeepEveryEdgeInOrderAcrossTheirEdges() {
    EdgeBlocks blocks = new EdgeBlocks();
    int count = 2 * EdgeBlocks.BLOCK + 12345;
    Random random = new Random(7);
    int[] targets = new int[count];
    byte[] slots = new byte[count];
    for (int i = 0; i < count; i++) {
      targets[i] = random.nextInt();
      slots[i] = (byte) random.nextInt();
      assertThat(blocks.offset()).isEqualTo(i);
      blocks.add(targets[i], slots[i]);
    }
    assertThat(blocks.size()).isEqualTo(count);
    // Copied to position 99 over chunks that end across a block, and at one's end.
    long at = 99;
    long[] chunkStart = {0, 1000, EdgeBlocks.BLOCK + 99, 2L * EdgeBlocks.BLOCK + 5000, at + count + 3};
    int[][] allTargets = new int[chunkStart.length - 1][];
    byte[][] allSlots = new byte[chunkStart.length - 1][];
    for (int c = 0; c < allTargets.length; c++) {
      allTargets[c] = new int[(int) (chunkStart[c + 1] - chunkStart[c])];
      allSlots[c] = new byte[allTargets[c].length];
    }
    blocks.copyTo(allTargets, allSlots, chunkStart, at);
    for (int i = 0; i < count; i++) {
      long p = at + i;
      int c = 0;
      while (chunkStart[c + 1] <= p) {
        c++;
      }
      assertThat(allTargets[c][(int) (p - chunkStart[c])]).as("target %d", i).isEqualTo(targets[i]);
      assertThat(allSlots[c][(int) (p - chunkStart[c])]).as("slot %d", i).isEqualTo(slots[i]);
    }
    assertThat(allTargets[0][98]).isZero();
    assertThat(allTargets[3][allTargets[3].length - 3]).isZero();
  }
}
