package io.memdiff.testdata.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SynchronousQueue;

/**
 * A small service that leaks three ways, fills a cache, runs a burst of jobs and makes garbage, dumping
 * itself (live) after each phase: {@code phase1.hprof}, {@code phase2.hprof}, … Arguments: output
 * directory, then optionally a scale (every count multiplied, default 1) and the number of phases (2 to 5,
 * default 3). The expected counts per phase are the methods {@code …After(phase, scale)}.
 *
 * <ul>
 *   <li>leak: {@link #SESSIONS} gains {@link #SESSIONS_PER_PHASE} {@code $Session} per phase;
 *   <li>leak: the ThreadLocal buffer of thread {@link #WORKER} ({@code $Worker}) gains
 *       {@link #BUFFER_CHUNKS_PER_PHASE} byte[{@link #BUFFER_CHUNK_BYTES}] per phase;
 *   <li>leak: {@link #LISTENERS} gains {@link #LISTENERS_PER_PHASE} {@code $Listener} per phase;
 *   <li>bloat: the {@code $LruCache} {@code CACHE} of {@code $CacheEntry} fills to {@link #CACHE_CAPACITY}, then holds;
 *   <li>transient: {@code $Job} objects exist only at the phase-2 dump;
 *   <li>stable: {@link #CONFIGS} {@code $Config} in every dump; garbage made between dumps is never in one.
 * </ul>
 */
public final class LeakyService {
  /** Sessions added to {@link #SESSIONS} per phase and never removed. */
  public static final int SESSIONS_PER_PHASE = 1000;
  /** Bytes of each session's payload. */
  public static final int SESSION_PAYLOAD_BYTES = 64;
  /** Listeners added per phase to {@link #LISTENERS}, each holding a byte[LISTENER_BYTES]. */
  public static final int LISTENERS_PER_PHASE = 100;
  public static final int LISTENER_BYTES = 1024;
  /** byte[BUFFER_CHUNK_BYTES] chunks the worker adds to its ThreadLocal buffer per phase. */
  public static final int BUFFER_CHUNKS_PER_PHASE = 50;
  public static final int BUFFER_CHUNK_BYTES = 4096;
  /** The worker thread's name. */
  public static final String WORKER = "worker-1";
  /** The LRU cache holds at most this many entries (times the scale). */
  public static final int CACHE_CAPACITY = 500;
  /** Puts into the cache in phase i+1: sizes become 300, 500, 500, … (fills, then holds: bloat). */
  public static final int[] CACHE_PUTS = {300, 400, 400, 400, 400};
  /** Jobs in flight at the phase-2 dump; none at the others (transient). */
  public static final int JOBS_IN_PHASE_2 = 800;
  public static final int JOB_INTS = 8;
  /** Config objects, the same in every dump. */
  public static final int CONFIGS = 20;
  /** Garbage made and dropped before each dump, which a live dump must not contain. */
  public static final int GARBAGE_ARRAYS_PER_PHASE = 2000;
  public static final int GARBAGE_ARRAY_BYTES = 10_000;
  public static final int DEFAULT_PHASES = 3;
  public static final int MIN_PHASES = 2;
  public static final int MAX_PHASES = 5;

  /** A registry entry. */
  public static final class Session {
    final String id;
    final byte[] payload = new byte[SESSION_PAYLOAD_BYTES];

    Session(String id) {
      this.id = id;
    }
  }

  /** An event listener that is registered and never removed. */
  public static final class Listener {
    final byte[] state = new byte[LISTENER_BYTES];
  }

  /** A cached value. */
  public static final class CacheEntry {
    long value;
  }

  /** A LinkedHashMap in access order that drops its eldest entry beyond a capacity. */
  public static final class LruCache extends LinkedHashMap<Integer, CacheEntry> {
    private int capacity = CACHE_CAPACITY;

    LruCache() {
      super(16, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, CacheEntry> eldest) {
      return size() > capacity;
    }
  }

  /** Work in flight during phase 2 only. */
  public static final class Job {
    final int[] data = new int[JOB_INTS];
  }

  /** Configuration, created once. */
  public static final class Config {
    final int setting;

    Config(int setting) {
      this.setting = setting;
    }
  }

  /**
   * Runs on thread {@link #WORKER} for the whole program: told a number of chunks, adds them to its
   * ThreadLocal buffer, answers, then parks in {@code take()} until the next phase.
   */
  public static final class Worker implements Runnable {
    private final SynchronousQueue<Integer> work = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> done = new SynchronousQueue<>();

    @Override
    public void run() {
      try {
        while (true) {
          int chunks = work.take();
          for (int i = 0; i < chunks; i++) {
            BUFFER.get().add(new byte[BUFFER_CHUNK_BYTES]);
          }
          done.put(chunks);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Returns once the worker has added the chunks. */
    void addChunks(int chunks) throws InterruptedException {
      work.put(chunks);
      done.take();
    }
  }

  static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();
  static final ThreadLocal<List<byte[]>> BUFFER = ThreadLocal.withInitial(ArrayList::new);
  static final List<Job> JOBS = new ArrayList<>();
  static final List<Config> CONFIG = new ArrayList<>();
  static final LruCache CACHE = new LruCache();
  static volatile Object sink;

  private LeakyService() {}

  /** Sessions in the dump after phase {@code phase} (1-based). */
  public static int sessionsAfter(int phase, int scale) {
    return SESSIONS_PER_PHASE * scale * phase;
  }

  /** Listeners in the dump after phase {@code phase}. */
  public static int listenersAfter(int phase, int scale) {
    return LISTENERS_PER_PHASE * scale * phase;
  }

  /** byte[BUFFER_CHUNK_BYTES] chunks in the worker's buffer in the dump after phase {@code phase}. */
  public static int bufferChunksAfter(int phase, int scale) {
    return BUFFER_CHUNKS_PER_PHASE * scale * phase;
  }

  /** Cache entries in the dump after phase {@code phase}: 300, 500, 500, … times the scale. */
  public static int cacheAfter(int phase, int scale) {
    int size = 0;
    for (int i = 0; i < phase; i++) {
      size = Math.min(CACHE_CAPACITY * scale, size + CACHE_PUTS[i] * scale);
    }
    return size;
  }

  /** Jobs in the dump after phase {@code phase}: only phase 2 has any. */
  public static int jobsAfter(int phase, int scale) {
    return phase == 2 ? JOBS_IN_PHASE_2 * scale : 0;
  }

  /** Config objects in every dump, whatever the scale. */
  public static int configsAfter(int phase, int scale) {
    return CONFIGS;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int scale = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int phases = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_PHASES;
    if (phases < MIN_PHASES || phases > MAX_PHASES || scale < 1) {
      throw new IllegalArgumentException("phases must be " + MIN_PHASES + ".." + MAX_PHASES + " and scale at least 1");
    }
    CACHE.capacity = CACHE_CAPACITY * scale;
    for (int i = 0; i < CONFIGS; i++) {
      CONFIG.add(new Config(i));
    }
    Worker worker = new Worker();
    Thread thread = new Thread(worker, WORKER);
    thread.setDaemon(true);
    thread.start();
    int nextSession = 0;
    int nextKey = 0;
    for (int phase = 1; phase <= phases; phase++) {
      for (int i = 0; i < SESSIONS_PER_PHASE * scale; i++) {
        String id = "session-" + nextSession++;
        SESSIONS.put(id, new Session(id));
      }
      for (int i = 0; i < LISTENERS_PER_PHASE * scale; i++) {
        LISTENERS.add(new Listener());
      }
      for (int i = 0; i < CACHE_PUTS[phase - 1] * scale; i++) {
        CACHE.put(nextKey++, new CacheEntry());
      }
      JOBS.clear();
      for (int i = 0; i < jobsAfter(phase, scale); i++) {
        JOBS.add(new Job());
      }
      worker.addChunks(BUFFER_CHUNKS_PER_PHASE * scale);
      for (int i = 0; i < GARBAGE_ARRAYS_PER_PHASE * scale; i++) {
        sink = new byte[GARBAGE_ARRAY_BYTES];
      }
      sink = null;
      Dumps.dump(dir, "phase" + phase + ".hprof");
    }
  }
}
