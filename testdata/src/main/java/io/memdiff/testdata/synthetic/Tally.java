package io.memdiff.testdata.synthetic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a synthetic dump holds, counted as it is written: objects and real bytes per class, the leaked
 * sessions and the unreachable objects. Written as JSON beside the dump, it is the truth tests and the
 * benchmark hold memdiff's numbers against.
 */
final class Tally {
  private final ClassTable classes;
  private final long[] objects;
  private final long[] bytes;
  private long unreachableObjects;
  private long unreachableBytes;

  Tally(ClassTable classes) {
    this.classes = classes;
    this.objects = new long[classes.size()];
    this.bytes = new long[classes.size()];
  }

  void add(int classIndex, long realSize) {
    objects[classIndex]++;
    bytes[classIndex] += realSize;
  }

  void unreachable(long objectCount, long realBytes) {
    unreachableObjects += objectCount;
    unreachableBytes += realBytes;
  }

  long objects() {
    long sum = 0;
    for (long n : objects) {
      sum += n;
    }
    return sum;
  }

  long objects(int classIndex) {
    return objects[classIndex];
  }

  /** What the report says beside the counts: the dump's place in its series and what it was asked to be. */
  record Facts(String dump, int index, int series, long seed, int idSize, long fileBytes, long segments,
      String leakClass, String leakOwner, long leakedPerDump, long leaked, long cacheEntries, long seconds100) {}

  void writeJson(Path file, Facts f) throws IOException {
    List<String> rows = new ArrayList<>();
    long shallow = 0;
    for (int c = 0; c < objects.length; c++) {
      shallow += bytes[c];
      if (objects[c] > 0) {
        rows.add(String.format(Locale.ROOT, "    {\"class\": \"%s\", \"count\": %d, \"shallow_bytes\": %d}",
            classes.sourceName(c), objects[c], bytes[c]));
      }
    }
    String json = String.format(Locale.ROOT, """
        {
          "dump": "%s",
          "dump_index": %d,
          "series_length": %d,
          "seed": %d,
          "id_size": %d,
          "file_bytes": %d,
          "segments": %d,
          "classes": %d,
          "objects": %d,
          "shallow_bytes": %d,
          "unreachable_objects": %d,
          "unreachable_bytes": %d,
          "leak": {"class": "%s", "owner": "%s", "growth_per_dump": %d, "objects": %d},
          "cache_entries": %d,
          "write_seconds": %d.%02d,
          "histogram": [
        %s
          ]
        }
        """, f.dump(), f.index(), f.series(), f.seed(), f.idSize(), f.fileBytes(), f.segments(), classes.size(),
        objects(), shallow, unreachableObjects, unreachableBytes, f.leakClass(), f.leakOwner(), f.leakedPerDump(),
        f.leaked(), f.cacheEntries(), f.seconds100() / 100, f.seconds100() % 100, String.join(",\n", rows));
    Files.writeString(file, json, StandardCharsets.UTF_8);
  }
}
