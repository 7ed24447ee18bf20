package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.scenarios.PathShapes;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * The route table of some objects ({@code path --class}) against every object's: the same routes
 * for those objects, the same first object on each of their own routes, and on every step an object
 * that leads to one of them (the full table's may lead elsewhere).
 */
class RoutesForTest {
  static Path dump;

  @BeforeAll
  static void dump() throws Exception {
    dump = PathShapesDump.get();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Entry", "Listener", "Buffer", "WeakOnly", "SoftOnly", "Link", "CycleNode", "Tree",
      "java.lang.String", "java.util.HashMap$Node", "java.lang.Object[]"})
  void theObjectsGetTheRoutesEveryObjectsTableGivesThem(String name) throws Exception {
    String className = name.contains(".") ? name : PathShapes.class.getName() + "$" + name;
    try (HprofFile f = HprofFile.open(dump)) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE),
          ScanOptions.STRICT);
      Reachability reach = Reachability.seed(ObjectGraph.build(index));
      reach.search();
      IntArrayList objects = new IntArrayList();
      for (int o = 0; o < index.objectCount(); o++) {
        if (index.classOf(o).name().equals(className)) {
          objects.add(o);
        }
      }
      assertThat(objects.size()).isPositive();
      RouteTable all = RouteTable.compute(reach);
      // The marking cut into parts of 64 positions on five threads, as on a machine with more cores.
      RouteTable some = RouteTable.computeFor(reach, objects, 64, 5);
      RouteTable oneThread = RouteTable.computeFor(reach, objects, Integer.MAX_VALUE, 1);
      // Every object on a path to one of them: the objects a route of theirs may show.
      IntOpenHashSet onPaths = new IntOpenHashSet();
      int reached = 0;
      for (int k = 0; k < objects.size(); k++) {
        int o = objects.getInt(k);
        if (all.routeOf(o) < 0) {
          assertThat(some.routeOf(o)).isNegative();
          continue;
        }
        reached++;
        for (int p = o; p >= 0 && onPaths.add(p); p = reach.parent(p)) {
          // up to the root, or to an object already known to be on a path
        }
      }
      assertThat(reached).isPositive();
      for (int k = 0; k < objects.size(); k++) {
        int o = objects.getInt(k);
        int full = all.routeOf(o);
        if (full < 0) {
          continue;
        }
        int part = some.routeOf(o);
        List<Step> expected = all.steps(full);
        List<Step> actual = some.steps(part);
        assertThat(oneThread.steps(oneThread.routeOf(o))).as("object %d on one thread", o).isEqualTo(actual);
        assertThat(actual).hasSameSizeAs(expected);
        for (int s = 0; s < expected.size(); s++) {
          assertThat(actual.get(s).edge()).as("object %d, step %d", o, s).isEqualTo(expected.get(s).edge());
          assertThat(actual.get(s).className()).as("object %d, step %d", o, s).isEqualTo(expected.get(s).className());
          assertThat(onPaths.contains(actual.get(s).object())).as("object %d, step %d", o, s).isTrue();
        }
        assertThat(some.representative(part)).as("first object on the route of %d", o)
            .isEqualTo(all.representative(full));
      }
    }
  }
}
