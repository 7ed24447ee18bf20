package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShapeTest {
  @Test
  void growingAtEveryStepIsALeak() {
    assertThat(Shape.of(new long[] {1, 2, 3})).isEqualTo(Shape.LEAK);
    assertThat(Shape.of(new long[] {1, 2, 3, 4, 5})).isEqualTo(Shape.LEAK);
  }

  @Test
  void growingThenHoldingIsBloat() {
    assertThat(Shape.of(new long[] {300, 500, 500})).isEqualTo(Shape.BLOAT);
    assertThat(Shape.of(new long[] {1, 5, 9, 9, 9})).isEqualTo(Shape.BLOAT);
  }

  @Test
  void growingThenFallingBackIsTransient() {
    assertThat(Shape.of(new long[] {10, 800, 10})).isEqualTo(Shape.TRANSIENT);
  }

  @Test
  void absentAtOneEndIsNewOrGone() {
    assertThat(Shape.of(new long[] {0, 800, 5})).isEqualTo(Shape.NEW);
    assertThat(Shape.of(new long[] {0, 0, 800})).isEqualTo(Shape.NEW);
    assertThat(Shape.of(new long[] {5, 800, 0})).isEqualTo(Shape.GONE);
  }

  @Test
  void absentAtFirstThenGrowingAtEveryStepIsALeakSinceItsFirstDump() {
    assertThat(Shape.of(new long[] {0, 100, 200})).isEqualTo(Shape.LEAK);
    assertThat(Shape.growingSince(new long[] {0, 100, 200})).isEqualTo(2);
    assertThat(Shape.of(new long[] {0, 0, 100, 200})).isEqualTo(Shape.LEAK);
    assertThat(Shape.growingSince(new long[] {0, 0, 100, 200})).isEqualTo(3);
    assertThat(Shape.of(new long[] {7, 7, 9, 12, 20})).isEqualTo(Shape.LEAK);
    assertThat(Shape.growingSince(new long[] {7, 7, 9, 12, 20})).isEqualTo(3);
    // One step of growth is no trend, nor is growth after a fall.
    assertThat(Shape.growingSince(new long[] {0, 0, 100})).isZero();
    assertThat(Shape.growingSince(new long[] {9, 5, 6, 7})).isZero();
  }

  @Test
  void twoDumpsOnlyTellGrowth() {
    assertThat(Shape.of(new long[] {1, 2})).isEqualTo(Shape.GREW);
    assertThat(Shape.of(new long[] {2, 1})).isEqualTo(Shape.SHRANK);
    assertThat(Shape.of(new long[] {2, 2})).isEqualTo(Shape.STABLE);
  }

  @Test
  void heapysGrowthIsWhatAppearedAndStayed() {
    assertThat(DiffEngine.growth(new long[] {100, 300, 250})).isEqualTo(150);
    assertThat(DiffEngine.growth(new long[] {100, 300, 50})).isEqualTo(-50);
    assertThat(DiffEngine.growth(new long[] {100, 300})).isEqualTo(200);
  }

  @Test
  void fewerButBiggerObjectsAreShapedByTheirBytes() {
    SiteStats a = new SiteStats("k", "byte[]", "at x", java.util.List.of(), 2508, 1000, 1000, SiteReachability.STRONG, java.util.List.of(), 0, 0, java.util.List.of());
    SiteStats b = new SiteStats("k", "byte[]", "at x", java.util.List.of(), 36, 500_000_000, 500_000_000, SiteReachability.STRONG, java.util.List.of(), 0, 0, java.util.List.of());
    DiffReport r = DiffEngine.diff(java.util.List.of(summary(a, 0), summary(b, 60_000)), DiffOptions.DEFAULTS);
    assertThat(r.sites()).singleElement().satisfies(d -> {
      assertThat(d.shape()).isEqualTo(Shape.GREW);
      assertThat(d.growthObjects()).isEqualTo(-2472);
      assertThat(d.growthShallowBytes()).isEqualTo(500_000_000 - 1000);
    });
  }

  private static SiteSummary summary(SiteStats s, long time) {
    return new SiteSummary(1, new DumpMeta("d", time, 8, 1, 1, false, SiteKind.RETENTION, "header 12, reference 4, align 8"), java.util.List.of(s));
  }

  @Test
  void numberedThreadNamesFoldIntoOnePattern() {
    assertThat(SiteKeys.foldThreadName("thread \"pool-3-thread-7\" local in a.B.run(B.java:42)"))
        .isEqualTo("thread \"pool-*-thread-*\" local in a.B.run(B.java:42)");
    assertThat(SiteKeys.foldThreadName("thread \"http-nio-8080-exec-12\"")).isEqualTo("thread \"http-nio-*-exec-*\"");
    assertThat(SiteKeys.foldThreadName("thread \"\" local in a.B.c(B.java:1)")).isEqualTo("thread \"\" local in a.B.c(B.java:1)");
    assertThat(SiteKeys.foldThreadName("thread #17 native stack")).isEqualTo("thread #* native stack");
    assertThat(SiteKeys.foldThreadName("static a.B.C1")).isEqualTo("static a.B.C1");
    assertThat(SiteKeys.threadOf("thread \"req-*\" local in a.B.c(B.java:1)")).isEqualTo("thread \"req-*\"");
    assertThat(SiteKeys.threadOf("JNI global")).isNull();
  }

  @Test
  void lambdaAndHiddenClassAddressesAreNormalised() {
    assertThat(SiteKeys.normalize("Foo$$Lambda$17+0x0000000801234")).isEqualTo("Foo$$Lambda+*");
    assertThat(SiteKeys.normalize("Foo$$Lambda+0x0000000080040640")).isEqualTo("Foo$$Lambda+*");
    assertThat(SiteKeys.normalize("static Foo$$Lambda$3.arg$1")).isEqualTo("static Foo$$Lambda.arg$1");
    assertThat(SiteKeys.normalize("jdk.internal.Hidden+0x1f")).isEqualTo("jdk.internal.Hidden+*");
    assertThat(SiteKeys.normalize("java.util.HashMap$Node.next")).isEqualTo("java.util.HashMap$Node.next");
    assertThat(SiteKeys.normalize("a+0xg")).isEqualTo("a+0xg"); // no hex digit after 0x: no address
  }
}
