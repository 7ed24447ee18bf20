package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.SharedStructures;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routes that follow owners: made at once from the dominator tree ({@link OwnedRoutes#compute})
 * or by re-walking a shortest-path table ({@link RouteTable#followOwners}), every object gets the
 * same steps; and an object its owner holds through several routes gets the owner's route and one
 * {@link RouteTable#OWNED} step, never a route through another object of its own kind.
 */
class OwnedRoutesTest {
  @TempDir static Path dir;

  static Stream<Path> dumps() throws Exception {
    return Stream.of(PathShapesDump.get(), ScenarioRunner.run(SharedStructures.class, dir).get(0));
  }

  private static HeapAnalysis analyse(HprofFile f) throws Exception {
    return HeapAnalysis.analyse(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), ScanOptions.STRICT, true,
        x -> {});
  }

  @ParameterizedTest
  @MethodSource("dumps")
  void bothWaysGiveEveryObjectTheSameSteps(Path dump) throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      HeapAnalysis a = analyse(f);
      RouteTable direct = OwnedRoutes.compute(a.reachability(), a.dominators());
      RouteTable followed = RouteTable.compute(a.reachability());
      OwnedRoutes.follow(followed, a.dominators().heldTwice(), 64); // marked on two threads, as in a big dump
      int owned = 0;
      for (int o = 0; o < a.index().objectCount(); o++) {
        int r = direct.routeOf(o);
        int s = followed.routeOf(o);
        assertThat(s < 0).as("object %d", o).isEqualTo(r < 0);
        if (r < 0) {
          continue;
        }
        List<String> steps = direct.steps(r).stream().map(Step::edge).toList();
        assertThat(followed.steps(s).stream().map(Step::edge).toList()).as("object %d", o).isEqualTo(steps);
        if (steps.get(steps.size() - 1).equals(RouteTable.OWNED)) {
          owned++;
          int owner = a.dominators().idom(o);
          assertThat(direct.steps(direct.routeOf(owner)).stream().map(Step::edge).toList())
              .isEqualTo(steps.subList(0, steps.size() - 1));
        }
      }
      assertThat(owned).as("objects held through several routes").isPositive();
    }
  }

  /**
   * The shortcut the re-walk takes: an object one reference reaches has its referrer for owner, so
   * only objects held twice are checked. Every strongly reachable object that is not a root and not
   * marked held twice must have its breadth-first parent for immediate dominator, each held twice its
   * own recorded, and both kinds must occur.
   */
  @ParameterizedTest
  @MethodSource("dumps")
  void anObjectHeldOnceIsOwnedByItsParent(Path dump) throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      HeapAnalysis a = analyse(f);
      Reachability reach = a.reachability();
      Dominators d = a.dominators();
      int heldOnce = 0;
      int heldTwice = 0;
      for (int o = 0; o < a.index().objectCount(); o++) {
        int parent = reach.parent(o);
        // Roots (stack roots too, which the search may reach from a lasting root) hang from the virtual root.
        if (reach.label(o) != Reachability.STRONG || parent < 0 || d.idom(o) == ParentLinks.VIRTUAL_ROOT) {
          continue;
        }
        if (d.heldTwice().contains(o)) {
          heldTwice++;
          assertThat(d.heldTwice().owner(o)).as("owner of object %d, held twice", o).isEqualTo(d.idom(o));
        } else {
          heldOnce++;
          assertThat(d.idom(o)).as("owner of object %d, held once", o).isEqualTo(parent);
        }
      }
      assertThat(heldOnce).isPositive();
      assertThat(heldTwice).isPositive();
    }
  }
}
