package io.memdiff.testdata.scenarios;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.util.Random;

/**
 * A Caffeine cache bounded at {@link #CAFFEINE_MAX} entries, dumping itself (live) after each of
 * {@link #PHASES} phases: {@code caffeine-phase1.hprof}, … ({@link #dumpFile}). Argument: output directory.
 * Phase 1 puts {@code CAFFEINE_MAX / 2} entries, each later phase {@code CAFFEINE_MAX} new keys, with
 * {@link #READS_PER_PHASE} reads of random present keys; maintenance runs on the calling thread and
 * {@code cleanUp()} before each dump, so the cache holds exactly {@link #sizeAfter} {@code $Value} (each
 * with a byte[{@link #VALUE_BYTES}]) and evicted values are garbage, not in the live dump. The program
 * checks the size itself and exits with {@link #EXIT_WRONG_SIZE} if Caffeine reports another.
 */
public final class CaffeineService {
  public static final int PHASES = 4;
  public static final int CAFFEINE_MAX = 10_000;
  public static final int VALUE_BYTES = 101;
  public static final int READS_PER_PHASE = 2_000;
  /** Keys are Longs from here on, above the {@code Long.valueOf} cache, so each is an object of its own. */
  public static final long FIRST_KEY = 1_000_000L;
  public static final long SEED = 42;
  public static final int EXIT_WRONG_SIZE = 1;

  /** A cached value. */
  public static final class Value {
    final long v;
    final byte[] payload = new byte[VALUE_BYTES];

    Value(long v) {
      this.v = v;
    }
  }

  static final Cache<Long, Value> CACHE =
      Caffeine.newBuilder().maximumSize(CAFFEINE_MAX).executor(Runnable::run).build();

  private CaffeineService() {}

  public static String dumpFile(int phase) {
    return "caffeine-phase" + phase + ".hprof";
  }

  /** Entries (and {@code $Value}) in the cache after phase {@code phase} (1-based): N/2, then N. */
  public static int sizeAfter(int phase) {
    return phase == 1 ? CAFFEINE_MAX / 2 : CAFFEINE_MAX;
  }

  /** New keys put in phase {@code phase}. */
  public static int putsIn(int phase) {
    return phase == 1 ? CAFFEINE_MAX / 2 : CAFFEINE_MAX;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Random random = new Random(SEED);
    long nextKey = FIRST_KEY;
    for (int phase = 1; phase <= PHASES; phase++) {
      int puts = putsIn(phase);
      int readEvery = puts / READS_PER_PHASE;
      for (int i = 0; i < puts; i++) {
        long key = nextKey++;
        CACHE.put(key, new Value(key));
        if (i % readEvery == readEvery - 1) {
          long present;
          do {
            present = FIRST_KEY + random.nextInt((int) (nextKey - FIRST_KEY));
          } while (!CACHE.asMap().containsKey(present));
          CACHE.getIfPresent(present);
        }
      }
      CACHE.cleanUp();
      if (CACHE.estimatedSize() != sizeAfter(phase)) {
        System.err.println("CaffeineService: phase " + phase + " holds " + CACHE.estimatedSize() + " entries, not "
            + sizeAfter(phase));
        System.exit(EXIT_WRONG_SIZE);
      }
      Dumps.dump(dir, dumpFile(phase));
    }
  }
}
