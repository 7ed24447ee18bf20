package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import io.memdiff.testdata.scenarios.PathShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shark.CloseableHeapGraph;
import shark.GcRoot;
import shark.HeapObject;
import shark.HprofHeapGraph;
import shark.HprofRecordTag;

/**
 * memdiff and LeakCanary's shark, an independent parser, must count every class, every kind of object
 * and every kind of GC root alike in real dumps.
 */
class SharkCrossCheckTest {
  @TempDir Path dir;

  /** What both parsers report about one dump, keyed so that the two can be compared with equals. */
  record Census(Map<String, Long> perClass, Map<String, Long> perObjectKind, Map<String, Long> rootsPerKind) {}

  static Census memdiff(Path dump) throws IOException {
    Map<String, Long> perClass = new TreeMap<>();
    Map<String, Long> kinds = new TreeMap<>();
    Map<String, Long> roots = new TreeMap<>();
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapIndex index = HeapIndex.build(c, ScanOptions.STRICT);
      for (int o = 0; o < index.objectCount(); o++) {
        boolean isClass = index.kind(o) == HeapIndex.KIND_CLASS;
        perClass.merge(isClass ? "<class>" : index.classOf(o).name(), 1L, Long::sum);
      }
      kinds.put("classes", c.classDumps());
      kinds.put("instances", c.instances());
      kinds.put("object arrays", c.objectArrays());
      kinds.put("primitive arrays", c.primitiveArrays());
      // Shark's conventions: a sticky-class root counts once per class, and a root to an object the
      // dump lacks (the agent's null thread object) is dropped. memdiff keeps every root record.
      Set<Long> sticky = new HashSet<>();
      for (int r = 0; r < c.roots().size(); r++) {
        long id = c.roots().objectId(r);
        RootKind kind = c.roots().kind(r);
        if (index.indexOf(id) < 0 || kind == RootKind.STICKY_CLASS && !sticky.add(id)) {
          continue;
        }
        roots.merge(kind.name(), 1L, Long::sum);
      }
    }
    return new Census(perClass, kinds, roots);
  }

  static Census shark(Path dump) throws IOException {
    Map<String, Long> perClass = new TreeMap<>();
    Map<String, Long> kinds = new TreeMap<>();
    Map<String, Long> roots = new TreeMap<>();
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
        perClass.merge(name, 1L, Long::sum);
      }
      kinds.put("classes", (long) g.getClassCount());
      kinds.put("instances", (long) g.getInstanceCount());
      kinds.put("object arrays", (long) g.getObjectArrayCount());
      kinds.put("primitive arrays", (long) g.getPrimitiveArrayCount());
      for (GcRoot root : g.getGcRoots()) {
        if (g.objectExists(root.getId())) {
          roots.merge(rootKindOf(root), 1L, Long::sum);
        }
      }
    }
    return new Census(perClass, kinds, roots);
  }

  /** Shark's root classes ({@code GcRoot.JniGlobal}) by memdiff's names ({@code JNI_GLOBAL}). */
  static String rootKindOf(GcRoot root) {
    return switch (root.getClass().getSimpleName()) {
      case "Unknown" -> "UNKNOWN";
      case "JniGlobal" -> "JNI_GLOBAL";
      case "JniLocal" -> "JNI_LOCAL";
      case "JavaFrame" -> "JAVA_FRAME";
      case "NativeStack" -> "NATIVE_STACK";
      case "StickyClass" -> "STICKY_CLASS";
      case "ThreadBlock" -> "THREAD_BLOCK";
      case "MonitorUsed" -> "MONITOR_USED";
      case "ThreadObject" -> "THREAD_OBJECT";
      case "InternedString" -> "INTERNED_STRING";
      case "Finalizing" -> "FINALIZING";
      case "Debugger" -> "DEBUGGER";
      case "ReferenceCleanup" -> "REFERENCE_CLEANUP";
      case "VmInternal" -> "VM_INTERNAL";
      case "JniMonitor" -> "JNI_MONITOR";
      case "Unreachable" -> "UNREACHABLE";
      default -> root.getClass().getName();
    };
  }

  private static void assertAgree(Census ours, Census theirs) {
    assertThat(ours.perObjectKind()).isEqualTo(theirs.perObjectKind());
    assertThat(ours.rootsPerKind()).isNotEmpty().isEqualTo(theirs.rootsPerKind());
    assertThat(ours.perClass()).isEqualTo(theirs.perClass());
  }

  /** Held while the test dumps its own JVM, so the dump holds a number of objects chosen here. */
  static final class Marker {
    final int n;

    Marker(int n) {
      this.n = n;
    }
  }

  @Test
  void theTestJvmsOwnDumpAgreesWithSharkOnEveryClassObjectKindAndRootKind() throws IOException {
    List<Marker> markers = new ArrayList<>();
    for (int i = 0; i < 4321; i++) {
      markers.add(new Marker(i));
    }
    Path dump = SelfDump.write(dir, "self.hprof");
    assertThat(markers).hasSize(4321); // still reachable from this frame when the dump was taken
    Census ours = memdiff(dump);
    assertThat(ours.perClass()).containsEntry(Marker.class.getName(), 4321L);
    assertThat(ours.rootsPerKind()).containsKeys("THREAD_OBJECT", "JAVA_FRAME", "STICKY_CLASS");
    assertAgree(ours, shark(dump));
  }

  @Test
  void everyClassCountAgreesOnAJdk17ScenarioDump() throws IOException {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir, "1", "2");
    for (Path dump : dumps) {
      Census ours = memdiff(dump);
      assertThat(ours.perClass()).containsEntry(LeakyService.class.getName() + "$Session",
          (long) LeakyService.sessionsAfter(1, 1) * (dumps.indexOf(dump) + 1));
      assertAgree(ours, shark(dump));
    }
  }

  @Test
  void everyClassCountAgreesOnAJdk25Dump() throws IOException {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    Path dump = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), PathShapes.class, dir).get(0);
    Census ours = memdiff(dump);
    assertThat(ours.perClass()).containsEntry(PathShapes.class.getName() + "$Link", (long) PathShapes.LINKS);
    assertAgree(ours, shark(dump));
  }

  /**
   * The corpus dumps shark reads: uncompressed, one heap dump each (shark merges an agent file's two
   * dumps into one graph, memdiff reads one at a time).
   */
  static Stream<Path> singleDumpCorpusFiles() throws IOException {
    return CorpusTest.dumps().filter(p -> !p.toString().endsWith(".gz") && !p.getFileName().toString().contains("hprofagent"));
  }

  @ParameterizedTest
  @MethodSource("singleDumpCorpusFiles")
  void everyCorpusDumpAgreesWithShark(Path dump) throws IOException {
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    assertAgree(memdiff(dump), shark(dump));
  }
}
