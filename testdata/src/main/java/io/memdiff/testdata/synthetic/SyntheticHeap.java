package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes HotSpot-like heap dumps of any size without a JVM to dump: a series in which a registry leaks
 * sessions at a steady rate, beside session stores (HashMaps), a list, a tree, a cache that fills then
 * holds, and garbage. Each dump gets a {@code .counts.json} beside it saying what it holds, so memdiff's
 * numbers can be checked against the truth. Streams: memory use does not grow with the dump.
 */
public final class SyntheticHeap {
  /** Where HotSpot puts a compressed-oops heap; class mirrors come first, then the objects. */
  static final long HEAP_BASE = 0x6_0000_0000L;
  static final long MIRROR_SLOT = 112;
  static final String LEAK_OWNER = "static " + HeapClasses.REGISTRY_NAME + ".SESSIONS";
  private static final int BUFFER_BYTES = 8 << 20;

  /**
   * @param lastDumpBytes about how big the series' last dump is; earlier ones are smaller by the leak
   * @param seriesLength dumps in the series
   * @param segmentBytes the most sub-record bytes per HEAP DUMP SEGMENT (HotSpot: 1 MiB less 9)
   */
  public record Params(long lastDumpBytes, int seriesLength, long seed, int idSize, long segmentBytes) {
    public Params {
      if (lastDumpBytes < 1 || seriesLength < 1 || (idSize != 4 && idSize != 8) || segmentBytes < 1) {
        throw new IllegalArgumentException("bad synthetic heap parameters: " + this);
      }
    }

    public static Params of(long lastDumpBytes, int seriesLength) {
      return new Params(lastDumpBytes, seriesLength, 1, 8, (1 << 20) - 9);
    }
  }

  /** A written dump: its file, its counts file and a few of the counts. */
  public record Written(Path dump, Path counts, long fileBytes, long objects, long segments, long leaked) {}

  private SyntheticHeap() {}

  /** The {@code index}th dump (1-based) of the series, as {@code synthetic-<index>.hprof} in {@code dir}. */
  public static Written write(Path dir, Params p, int index) throws IOException {
    if (index < 1 || index > p.seriesLength()) {
      throw new IllegalArgumentException("dump " + index + " of a series of " + p.seriesLength());
    }
    long started = System.nanoTime();
    Files.createDirectories(dir);
    Path dump = dir.resolve("synthetic-" + index + ".hprof");
    Path counts = dir.resolve("synthetic-" + index + ".counts.json");
    HeapClasses classes = new HeapClasses(p.idSize());
    HeapPlan plan = HeapPlan.of(p.lastDumpBytes(), p.seriesLength(), classes, p.idSize());
    Tally tally = new Tally(classes.table);
    long fileBytes;
    long segments;
    try (HprofSink out = new HprofSink(dump, p.idSize(), BUFFER_BYTES)) {
      SubRecords records = new SubRecords(out, p.segmentBytes());
      new DumpContents(out, records, classes, tally, plan, index, p.seed()).write();
      records.end();
      segments = records.segments();
      fileBytes = out.position();
    }
    long leaked = plan.leaked(index);
    long hundredths = (System.nanoTime() - started) / 10_000_000;
    tally.writeJson(counts, new Tally.Facts(dump.getFileName().toString(), index, p.seriesLength(), p.seed(),
        p.idSize(), fileBytes, segments, HeapClasses.SESSION_NAME, LEAK_OWNER, plan.leakedPerDump(), leaked,
        plan.cacheEntries(index), hundredths));
    return new Written(dump, counts, fileBytes, tally.objects(), segments, leaked);
  }

  /**
   * {@code OUTDIR [--size BYTES[k|m|g]] [--series N] [--index K] [--seed S] [--id-size 4|8] [--segment BYTES]}:
   * writes dump K of the series, or every dump without --index, and prints each dump's path, as the
   * scenario programs do; a line per dump on stderr says how fast it was written.
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args[0].startsWith("-") || args.length % 2 == 0) {
      System.err.println("usage: SyntheticHeap DIR [--size BYTES[k|m|g]] [--series N] [--index K] [--seed N]"
          + " [--id-size 4|8] [--segment BYTES]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    long size = 64L << 20;
    int series = 3;
    int only = 0;
    long seed = 1;
    int idSize = 8;
    long segment = (1 << 20) - 9;
    for (int i = 1; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--size" -> size = bytes(v);
        case "--series" -> series = Integer.parseInt(v);
        case "--index" -> only = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--id-size" -> idSize = Integer.parseInt(v);
        case "--segment" -> segment = bytes(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Params p = new Params(size, series, seed, idSize, segment);
    for (int k = only > 0 ? only : 1; k <= (only > 0 ? only : series); k++) {
      long t0 = System.nanoTime();
      Written w = write(dir, p, k);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf("synthetic heap: %s: %d bytes, %d objects, %d segments, %d leaked sessions in %.2f s (%.0f MB/s)%n",
          w.dump(), w.fileBytes(), w.objects(), w.segments(), w.leaked(), seconds, w.fileBytes() / 1e6 / seconds);
      System.out.println(w.dump().toAbsolutePath());
    }
  }

  /** {@code 123}, {@code 64m}, {@code 1.5g}: bytes, in powers of 1024. */
  static long bytes(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    char unit = t.charAt(t.length() - 1);
    long scale = switch (unit) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      default -> 1;
    };
    String number = scale == 1 ? t : t.substring(0, t.length() - 1);
    return (long) (Double.parseDouble(number) * scale);
  }

  /** The file's header: the version, u4 id size, u8 milliseconds, a minute apart along the series. */
  static void header(HprofSink out, int index) throws IOException {
    out.bytes(Hprof.VERSION_1_0_2.getBytes(StandardCharsets.US_ASCII)).u1(0).u4(out.idSize())
        .u8(1_700_000_000_000L + index * 60_000L);
  }
}
