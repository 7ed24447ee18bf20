package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The reference graph's rows: read in two halves into blocks, then copied into one array. */
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
        IntArrayList row = new IntArrayList();
        for (int e = graph.firstEdge(o); e < graph.endEdge(o); e++) {
          row.add(graph.target(e));
        }
        assertThat(row.toIntArray()).as("row of object %d", o).containsExactly(expected.toIntArray());
      }
      assertThat(graph.endEdge(n - 1)).isEqualTo(graph.edgeCount());
      // The rows of the second half were moved: the dump is big enough that both halves have some.
      assertThat(graph.firstEdge(n / 2)).isPositive().isLessThan(graph.edgeCount());
      assertThat(weak).isGreaterThanOrEqualTo(graph.weakEdgeCount()).isPositive();
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
    int at = 99;
    int[] allTargets = new int[at + count + 3];
    byte[] allSlots = new byte[at + count + 3];
    blocks.copyTo(allTargets, allSlots, at);
    for (int i = 0; i < count; i++) {
      assertThat(allTargets[at + i]).as("target %d", i).isEqualTo(targets[i]);
      assertThat(allSlots[at + i]).as("slot %d", i).isEqualTo(slots[i]);
    }
    assertThat(allTargets[at - 1]).isZero();
    assertThat(allTargets[at + count]).isZero();
  }
}
