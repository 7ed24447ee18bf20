package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MAT's dominator test data in real dumps of other JVMs: the graph of Lengauer and Tarjan's paper
 * (R → A, B, C; A → D; B → A, D, E; C → F, G; D → L; E → H; F → I; G → I, J; H → E, K; I → K; J → I;
 * K → I, R; L → H), whose dominator tree is known: R dominates all 13, C dominates F, G, J; G
 * dominates J; D dominates L. Skipped where the corpus is absent.
 */
class CorpusDominatorTest {
  private static final Path CORPUS = Path.of("..", "..", "shared", "corpus", "eclipse-mat");
  private static final String PREFIX = "org.eclipse.mat.tests.CreateSampleDump$DominatorTestData$";

  static Stream<String> dumps() {
    return Stream.of("sun_jdk5_64bit.hprof", "sun_jdk6_30_x64_compressedOops.hprof",
        "sun_jdk6_30_x64_nocompressedOops.hprof", "oracle_jdk7_21_hprofagent.hprof",
        "sun_jdk6_31_hprofagent_compressedOops.hprof");
  }

  @ParameterizedTest
  @MethodSource("dumps")
  void theDominatorTreeOfThePapersGraphIsFound(String name) throws IOException {
    Path dump = CORPUS.resolve(name);
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    try (HprofFile file = HprofFile.open(dump)) {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis a = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, true, p -> {});
      assertThat(dominated(a, "R")).hasSize(13);
      assertThat(dominated(a, "C")).containsExactly("C", "F", "G", "J");
      assertThat(dominated(a, "G")).containsExactly("G", "J");
      assertThat(dominated(a, "D")).containsExactly("D", "L");
      assertThat(dominated(a, "B")).containsExactly("B");
      int r = instance(a, "R");
      long sum = 0;
      for (String n : dominated(a, "R")) {
        sum += a.dominators().shallow(instance(a, n));
      }
      assertThat(a.dominators().retained(r)).isEqualTo(sum);
    }
  }

  private static int instance(HeapAnalysis a, String letter) {
    for (int o = 0; o < a.index().objectCount(); o++) {
      if (a.index().classOf(o).name().equals(PREFIX + letter)) {
        return o;
      }
    }
    throw new AssertionError("no instance of " + PREFIX + letter);
  }

  /** The letters of the test-data objects that {@code letter}'s instance dominates, itself included. */
  private static Set<String> dominated(HeapAnalysis a, String letter) {
    int top = instance(a, letter);
    Set<String> out = new TreeSet<>();
    for (int o = 0; o < a.index().objectCount(); o++) {
      String cls = a.index().classOf(o).name();
      if (!cls.startsWith(PREFIX)) {
        continue;
      }
      for (int d = o; d >= 0; d = a.dominators().idom(d)) {
        if (d == top) {
          out.add(cls.substring(PREFIX.length()));
          break;
        }
      }
    }
    return out;
  }
}
