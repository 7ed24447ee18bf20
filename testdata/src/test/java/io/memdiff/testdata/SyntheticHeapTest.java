package io.memdiff.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.synthetic.SyntheticHeap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic writer read back by the independent record walker, and its memory held flat. */
class SyntheticHeapTest {
  @TempDir Path dir;

  @Test
  void everyRecordParsesToItsLengthAndTheCountsFileSaysWhatTheFileHolds() throws IOException {
    SyntheticHeap.Written w = SyntheticHeap.write(dir, new SyntheticHeap.Params(2 << 20, 3, 1, 8, 32 << 10), 2);
    RecordWalker walker = new RecordWalker(Files.readAllBytes(w.dump()));
    assertThat(walker.dumps).hasSize(1);
    RecordWalker.Dump d = walker.dumps.get(0);
    assertThat((long) d.segments).isEqualTo(w.segments()).isGreaterThan(20);
    assertThat((long) d.instances + d.objectArrays + d.primitiveArrays).isEqualTo(w.objects());
    assertThat(Files.size(w.dump())).isEqualTo(w.fileBytes());
    String counts = Files.readString(w.counts());
    assertThat(walker.count("com/example/app/Session")).isEqualTo(count(counts, "com.example.app.Session"));
    assertThat(walker.count("java/util/HashMap$Node")).isEqualTo(count(counts, "java.util.HashMap$Node"));
    assertThat(walker.count("[Ljava/util/HashMap$Node;")).isEqualTo(6);
    assertThat(counts).contains("\"objects\": " + w.objects(), "\"growth_per_dump\": " + w.leaked() / 2);
  }

  @Test
  void fourByteIdsWriteTheSameHeap() throws IOException {
    SyntheticHeap.Params eight = new SyntheticHeap.Params(1 << 20, 3, 1, 8, 64 << 10);
    SyntheticHeap.Params four = new SyntheticHeap.Params(1 << 20, 3, 1, 4, 64 << 10);
    SyntheticHeap.Written wide = SyntheticHeap.write(dir.resolve("8"), eight, 1);
    SyntheticHeap.Written narrow = SyntheticHeap.write(dir.resolve("4"), four, 1);
    RecordWalker walker = new RecordWalker(Files.readAllBytes(narrow.dump()));
    assertThat(walker.idSize).isEqualTo(4);
    assertThat(walker.count("com/example/app/Session")).isEqualTo(count(Files.readString(narrow.counts()),
        "com.example.app.Session"));
    assertThat(narrow.fileBytes()).isLessThan(wide.fileBytes());
  }

  @Test
  void aDumpThreeTimesBiggerThanTheHeapIsWrittenInAChildJvm() throws IOException {
    // The writer holds no object per heap object: 200 MB through a 64 MB heap proves it streams.
    List<Path> written = ScenarioRunner.run(ScenarioRunner.currentJavaHome(), List.of("-Xmx64m"),
        Duration.ofMinutes(3), SyntheticHeap.class, dir, "--size", "200m", "--series", "1");
    try {
      assertThat(written).hasSize(1);
      assertThat(Files.size(written.get(0))).isGreaterThan(180L << 20);
      assertThat(Files.readString(dir.resolve("synthetic-1.counts.json"))).containsPattern("\"segments\": [0-9]{3,}");
    } finally {
      Files.deleteIfExists(written.isEmpty() ? dir.resolve("none") : written.get(0));
    }
  }

  private static int count(String countsJson, String className) {
    Matcher m = Pattern.compile("\"class\": \"" + Pattern.quote(className) + "\", \"count\": (\\d+)").matcher(countsJson);
    assertThat(m.find()).as(className).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
