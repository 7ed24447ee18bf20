package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import io.memdiff.testdata.scenarios.PathShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shark.CloseableHeapGraph;
import shark.HeapObject;
import shark.HprofHeapGraph;
import shark.HprofRecordTag;

/** memdiff and LeakCanary's shark, an independent parser, must count every class alike in real dumps. */
class SharkCrossCheckTest {
  @TempDir Path dir;

  static Map<String, Long> memdiffCounts(Path dump) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      for (int o = 0; o < index.objectCount(); o++) {
        String name = index.kind(o) == HeapIndex.KIND_CLASS ? "<class>" : index.classOf(o).name();
        counts.merge(name, 1L, Long::sum);
      }
    }
    return counts;
  }

  static Map<String, Long> sharkCounts(Path dump) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    try (CloseableHeapGraph g = HprofHeapGraph.Companion.openHeapGraph(dump.toFile(), null,
        HprofRecordTag.Companion.getRootTags())) {
      for (Iterator<HeapObject> it = g.getObjects().iterator(); it.hasNext(); ) {
        HeapObject o = it.next();
        String name;
        if (o instanceof HeapObject.HeapClass) {
          name = "<class>";
        } else if (o instanceof HeapObject.HeapInstance i) {
          name = i.getInstanceClassName();
        } else if (o instanceof HeapObject.HeapObjectArray a) {
          name = a.getArrayClassName();
        } else {
          name = ((HeapObject.HeapPrimitiveArray) o).getArrayClassName();
        }
        counts.merge(name, 1L, Long::sum);
      }
    }
    return counts;
  }

  @Test
  void everyClassCountAgreesOnAJdk17Dump() throws IOException {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir, "1", "2");
    for (Path dump : dumps) {
      Map<String, Long> ours = memdiffCounts(dump);
      assertThat(ours).containsEntry(LeakyService.class.getName() + "$Session", (long) LeakyService.sessionsAfter(1, 1) * (dumps.indexOf(dump) + 1));
      assertThat(ours).isEqualTo(sharkCounts(dump));
    }
  }

  @Test
  void everyClassCountAgreesOnAJdk25Dump() throws IOException {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    Path dump = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), PathShapes.class, dir).get(0);
    Map<String, Long> ours = memdiffCounts(dump);
    assertThat(ours).containsEntry(PathShapes.class.getName() + "$Link", (long) PathShapes.LINKS);
    assertThat(ours).isEqualTo(sharkCounts(dump));
  }
}
