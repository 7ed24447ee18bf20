package io.memdiff.testdata.scenarios;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service with a thread pool that leaks in the ways real pools and registries do, dumping itself (live)
 * after each phase: {@code pool-phase1.hprof}, … ({@link #dumpFile}). Arguments: output directory, then
 * optionally the number of phases ({@link #MIN_PHASES} to {@link #MAX_PHASES}, default
 * {@link #DEFAULT_PHASES}). It plants:
 *
 * <ul>
 *   <li>ThreadLocal leak: each of the {@link #WORKERS} pool threads {@code pool-worker-1} …
 *       {@code pool-worker-6} ({@link #WORKER_NAME_PREFIX}), parked in the pool's queue between phases,
 *       holds in its ThreadLocal a list gaining {@link #CHUNKS_PER_WORKER_PER_PHASE}
 *       byte[{@link #CHUNK_BYTES}] per phase ({@link #chunksPerWorkerAfter});
 *   <li>registry leak: the static {@code HashMap ORDERS} gains {@link #ORDERS_PER_PHASE} {@code $Order}
 *       (each with a byte[{@link #ORDER_BYTES}]) per phase ({@link #ordersAfter});
 *   <li>JDK-only leak under a user static: {@code HashMap<String, ArrayList<Long>> HISTORY} gains
 *       {@link #HISTORY_KEYS_PER_PHASE} keys per phase, each with {@link #HISTORY_LONGS} distinct
 *       {@code Long} ({@link #historyKeysAfter}, {@link #historyLongsAfter});
 *   <li>same count, growing bytes: one {@code $Growing} whose single byte[] is replaced each phase by a
 *       byte[{@link #growingBytesAfter}];
 *   <li>bounded cache: an access-order {@code LinkedHashMap} of {@code $Cached} capped at
 *       {@link #CACHE_CAPACITY}, at half of it after phase 1 and full after ({@link #cacheSizeAfter});
 *   <li>direct-buffer leak: the static {@code List DIRECT} gains {@link #DIRECT_BUFFERS_PER_PHASE}
 *       direct buffers of {@link #DIRECT_BUFFER_CAPACITY} bytes per phase ({@link #directBuffersAfter}),
 *       plus {@link #DIRECT_SLICES} slice of the first one (which owns no memory) in a static of its own;
 *   <li>mapped buffers: the static {@code List MAPPED} gains {@link #MAPPED_PER_PHASE} read-only mappings of
 *       {@link #MAPPED_BYTES} of a scratch file per phase ({@link #mappedBytesAfter}): not native allocations;
 *   <li>churn: {@link #GARBAGE_ARRAYS_PER_PHASE} byte[{@link #GARBAGE_ARRAY_BYTES}] and
 *       {@link #GARBAGE_ORDERS_PER_PHASE} unregistered {@code $Order} made and dropped before each dump,
 *       never in one.
 * </ul>
 */
public final class PoolService {
  public static final int WORKERS = 6;
  /** Worker {@code n} (1-based) is named {@code WORKER_NAME_PREFIX + n}. */
  public static final String WORKER_NAME_PREFIX = "pool-worker-";
  public static final int CHUNKS_PER_WORKER_PER_PHASE = 20;
  public static final int CHUNK_BYTES = 6_007;
  public static final int ORDERS_PER_PHASE = 2_000;
  public static final int ORDER_BYTES = 211;
  public static final int HISTORY_KEYS_PER_PHASE = 100;
  public static final int HISTORY_LONGS = 50;
  /** History values start here, above the {@code Long.valueOf} cache, so each is an object of its own. */
  public static final long HISTORY_FIRST_VALUE = 1_000_000L;
  public static final int GROWING_BYTES_PER_PHASE = 1_000_003;
  public static final int CACHE_CAPACITY = 1_000;
  /** Reads of existing keys per phase, interleaved with the puts, so the access order changes. */
  public static final int CACHE_READS_PER_PHASE = 500;
  public static final int DIRECT_BUFFERS_PER_PHASE = 10;
  public static final int DIRECT_BUFFER_CAPACITY = 65_536;
  /** Slices of the first direct buffer kept (in a static of their own); a slice owns no memory. */
  public static final int DIRECT_SLICES = 1;
  /** Read-only mappings of a scratch file kept per phase in {@code MAPPED}: page cache, not native allocations. */
  public static final int MAPPED_PER_PHASE = 2;
  public static final int MAPPED_BYTES = 131_072;
  public static final int GARBAGE_ARRAYS_PER_PHASE = 2_000;
  public static final int GARBAGE_ARRAY_BYTES = 10_007;
  public static final int GARBAGE_ORDERS_PER_PHASE = 5_000;
  public static final int DEFAULT_PHASES = 3;
  public static final int MIN_PHASES = 2;
  public static final int MAX_PHASES = 5;
  /** Seed of the cache's random reads, so every run makes the same accesses. */
  public static final long SEED = 42;

  /** A registry entry. */
  public static final class Order {
    final long id;
    final byte[] payload = new byte[ORDER_BYTES];

    Order(long id) {
      this.id = id;
    }
  }

  /** Holds one array, replaced by a bigger one each phase. */
  public static final class Growing {
    byte[] bytes = new byte[0];
  }

  /** A cached value. */
  public static final class Cached {
    final long value;

    Cached(long value) {
      this.value = value;
    }
  }

  /** An access-order LinkedHashMap that drops its eldest entry beyond {@link #CACHE_CAPACITY}. */
  public static final class BoundedCache extends LinkedHashMap<Integer, Cached> {
    BoundedCache() {
      super(16, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Cached> eldest) {
      return size() > CACHE_CAPACITY;
    }
  }

  static final ThreadLocal<List<byte[]>> CHUNKS = ThreadLocal.withInitial(ArrayList::new);
  static final Map<String, Order> ORDERS = new HashMap<>();
  static final HashMap<String, ArrayList<Long>> HISTORY = new HashMap<>();
  static final Growing GROWING = new Growing();
  static final BoundedCache CACHE = new BoundedCache();
  static final List<ByteBuffer> DIRECT = new ArrayList<>();
  static final List<ByteBuffer> MAPPED = new ArrayList<>();
  static ByteBuffer firstSlice;
  static volatile Object sink;

  private PoolService() {}

  public static String dumpFile(int phase) {
    return "pool-phase" + phase + ".hprof";
  }

  /** byte[CHUNK_BYTES] in each worker's ThreadLocal list after phase {@code phase} (1-based). */
  public static int chunksPerWorkerAfter(int phase) {
    return CHUNKS_PER_WORKER_PER_PHASE * phase;
  }

  /** byte[CHUNK_BYTES] in all workers' ThreadLocal lists together. */
  public static int chunksAfter(int phase) {
    return WORKERS * chunksPerWorkerAfter(phase);
  }

  public static int ordersAfter(int phase) {
    return ORDERS_PER_PHASE * phase;
  }

  public static int historyKeysAfter(int phase) {
    return HISTORY_KEYS_PER_PHASE * phase;
  }

  /** History {@code Long} values (and no other Longs of this program) after phase {@code phase}. */
  public static int historyLongsAfter(int phase) {
    return historyKeysAfter(phase) * HISTORY_LONGS;
  }

  /** Length of the one {@code $Growing} array after phase {@code phase}. */
  public static int growingBytesAfter(int phase) {
    return GROWING_BYTES_PER_PHASE * phase;
  }

  /** Cache entries ({@code $Cached}) after phase {@code phase}: N/2, then N, N, … */
  public static int cacheSizeAfter(int phase) {
    return phase == 1 ? CACHE_CAPACITY / 2 : CACHE_CAPACITY;
  }

  /** Puts into the cache in phase {@code phase}: N/2 in the first, N in each later one. */
  public static int cachePutsIn(int phase) {
    return phase == 1 ? CACHE_CAPACITY / 2 : CACHE_CAPACITY;
  }

  /** Direct buffers in {@code DIRECT}, each owning DIRECT_BUFFER_CAPACITY bytes; the slice not counted. */
  public static int directBuffersAfter(int phase) {
    return DIRECT_BUFFERS_PER_PHASE * phase;
  }

  public static long directBytesAfter(int phase) {
    return (long) directBuffersAfter(phase) * DIRECT_BUFFER_CAPACITY;
  }

  private static ThreadFactory numberedWorkers() {
    AtomicInteger next = new AtomicInteger(1);
    return r -> {
      Thread t = new Thread(r, WORKER_NAME_PREFIX + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs one task on each worker: no task passes the barrier until all {@link #WORKERS} run at once, so
   * each runs on a thread of its own. Fails unless every worker's list then holds {@code expected}.
   */
  private static void growThreadLocals(ExecutorService pool, CyclicBarrier allRunning, int expected)
      throws Exception {
    Set<String> names = ConcurrentHashMap.newKeySet();
    List<Future<Integer>> done = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      done.add(pool.submit(() -> {
        allRunning.await();
        names.add(Thread.currentThread().getName());
        List<byte[]> chunks = CHUNKS.get();
        for (int c = 0; c < CHUNKS_PER_WORKER_PER_PHASE; c++) {
          chunks.add(new byte[CHUNK_BYTES]);
        }
        return chunks.size();
      }));
    }
    for (Future<Integer> f : done) {
      if (f.get() != expected) {
        throw new IllegalStateException("a worker holds " + f.get() + " chunks, not " + expected);
      }
    }
    if (names.size() != WORKERS) {
      throw new IllegalStateException("tasks ran on " + names + ", not " + WORKERS + " workers");
    }
  }

  private static void fillCache(Random random, int phase, int firstKey) {
    int puts = cachePutsIn(phase);
    int reads = 0;
    for (int i = 0; i < puts; i++) {
      int key = firstKey + i;
      CACHE.put(key, new Cached(key));
      if (i % 2 == 1 && reads < CACHE_READS_PER_PHASE) {
        int existing;
        do {
          existing = random.nextInt(key + 1);
        } while (!CACHE.containsKey(existing));
        CACHE.get(existing);
        reads++;
      }
    }
  }

  /** Mapped bytes in {@code MAPPED} after phase {@code phase}. */
  public static long mappedBytesAfter(int phase) {
    return (long) MAPPED_PER_PHASE * MAPPED_BYTES * phase;
  }

  private static void mapScratch(Path dir) throws IOException {
    Path scratch = dir.resolve("pool-scratch.bin");
    if (!Files.exists(scratch)) {
      Files.write(scratch, new byte[MAPPED_BYTES]);
    }
    try (FileChannel ch = FileChannel.open(scratch)) {
      for (int i = 0; i < MAPPED_PER_PHASE; i++) {
        MAPPED.add(ch.map(FileChannel.MapMode.READ_ONLY, 0, MAPPED_BYTES));
      }
    }
  }

  private static void churn(long phase) {
    for (int i = 0; i < GARBAGE_ARRAYS_PER_PHASE; i++) {
      sink = new byte[GARBAGE_ARRAY_BYTES];
    }
    for (int i = 0; i < GARBAGE_ORDERS_PER_PHASE; i++) {
      sink = new Order(-phase);
    }
    sink = null;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int phases = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_PHASES;
    if (phases < MIN_PHASES || phases > MAX_PHASES) {
      throw new IllegalArgumentException("phases must be " + MIN_PHASES + ".." + MAX_PHASES);
    }
    // Never shut down: the workers stay parked in the pool's queue, their ThreadLocals with them.
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS, numberedWorkers());
    CyclicBarrier allRunning = new CyclicBarrier(WORKERS);
    Random random = new Random(SEED);
    long nextOrder = 0;
    long nextHistoryValue = HISTORY_FIRST_VALUE;
    int nextHistoryKey = 0;
    int nextCacheKey = 0;
    for (int phase = 1; phase <= phases; phase++) {
      growThreadLocals(pool, allRunning, chunksPerWorkerAfter(phase));
      for (int i = 0; i < ORDERS_PER_PHASE; i++) {
        long id = nextOrder++;
        ORDERS.put("order-" + id, new Order(id));
      }
      for (int i = 0; i < HISTORY_KEYS_PER_PHASE; i++) {
        ArrayList<Long> values = new ArrayList<>(HISTORY_LONGS);
        for (int v = 0; v < HISTORY_LONGS; v++) {
          values.add(nextHistoryValue++);
        }
        HISTORY.put("history-" + nextHistoryKey++, values);
      }
      GROWING.bytes = new byte[growingBytesAfter(phase)];
      fillCache(random, phase, nextCacheKey);
      nextCacheKey += cachePutsIn(phase);
      if (CACHE.size() != cacheSizeAfter(phase)) {
        throw new IllegalStateException("cache holds " + CACHE.size() + ", not " + cacheSizeAfter(phase));
      }
      for (int i = 0; i < DIRECT_BUFFERS_PER_PHASE; i++) {
        DIRECT.add(ByteBuffer.allocateDirect(DIRECT_BUFFER_CAPACITY));
      }
      if (firstSlice == null) {
        firstSlice = DIRECT.get(0).slice();
      }
      mapScratch(dir);
      churn(phase);
      Dumps.dump(dir, dumpFile(phase));
    }
  }
}
