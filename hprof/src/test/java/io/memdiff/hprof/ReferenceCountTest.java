package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * referenceCountWithoutClassOf sizes the reference graph before forEachReference fills it, less
 * each instance's reference to its class: the two must agree on every object, or the graph's halves
 * would overrun each other.
 */
class ReferenceCountTest {
  @TempDir Path dir;

  @Test
  void everyObjectOfARealDumpCountsWhatItsReferencesHandOut() throws IOException {
    Path dump = ScenarioRunner.run(LeakyService.class, dir, "1", "2").get(1);
    try (HprofFile f = HprofFile.open(dump)) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE),
          ScanOptions.STRICT);
      long total = 0;
      long classOf = 0;
      int[] seen = new int[2];
      for (int o = 0; o < index.objectCount(); o++) {
        seen[0] = 0;
        seen[1] = 0;
        index.forEachReference(o, (label, target) -> {
          seen[0]++;
          if (EdgeLabel.kind(label) != EdgeLabel.CLASS_OF) {
            seen[1]++;
          }
        });
        assertThat(index.referenceCountWithoutClassOf(o)).as("object %d (%s)", o, index.classOf(o).name())
            .isEqualTo(seen[1]);
        total += seen[0];
        classOf += seen[0] - seen[1];
      }
      assertThat(total).isGreaterThan(index.objectCount()); // instances, arrays and classes all took part
      assertThat(classOf).isPositive().isLessThan(total);
    }
  }
}
