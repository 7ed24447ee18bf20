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
 * A small service that leaks three ways, fills a cache, and makes garbage, dumping itself after each
 * phase: {@code phase1.hprof} … Arguments: output directory, then optionally a scale (every count
 * multiplied, default 1) and the number of phases (2 to 5, default 3).
 */
public final class LeakyService {
  /** Sessions added to {@link #SESSIONS} per phase and never removed: a leak. */
  public static final int SESSIONS_PER_PHASE = 1000;
  /** Listeners added per phase to {@link #LISTENERS}, each holding a byte[LISTENER_BYTES]: a leak. */
  public static final int LISTENERS_PER_PHASE = 100;
  public static final int LISTENER_BYTES = 1024;
  /** byte[BUFFER_CHUNK_BYTES] chunks the worker adds to its ThreadLocal buffer per phase: a leak. */
  public static final int BUFFER_CHUNKS_PER_PHASE = 50;
  public static final int BUFFER_CHUNK_BYTES = 4096;
  /** The worker thread's name. */
  public static final String WORKER = "worker-1";
  /** The LRU cache holds at most this many entries; it gets CACHE_FILL[phase] puts in each phase. */
  public static final int CACHE_CAPACITY = 500;
  /** Cache sizes after each phase: 300, 500, 500 — it fills, then holds (bloat, not a leak). */
  public static final int[] CACHE_PUTS = {300, 400, 400, 400, 400};
  /** Jobs in flight at each dump: only in phase 2 (transient). */
  public static final int JOBS_IN_PHASE_2 = 800;
  /** Config objects, the same in every dump. */
  public static final int CONFIGS = 20;

  /** A registry entry. */
  public static final class Session {
    final String id;
    final byte[] payload = new byte[64];

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

  /** Work in flight during phase 2 only. */
  public static final class Job {
    final int[] data = new int[8];
  }

  /** Configuration, created once. */
  public static final class Config {
    final int setting;

    Config(int setting) {
      this.setting = setting;
    }
  }

  static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();
  static final Map<Integer, CacheEntry> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, CacheEntry> eldest) {
      return size() > CACHE_CAPACITY * scale;
    }
  };
  static final List<Job> JOBS = new ArrayList<>();
  static final List<Config> CONFIG = new ArrayList<>();
  static final ThreadLocal<List<byte[]>> BUFFER = ThreadLocal.withInitial(ArrayList::new);
  static volatile Object sink;
  static int scale = 1;

  private LeakyService() {}

  /** Expected live sessions after phase {@code p} (1-based). */
  public static int sessionsAfter(int phase, int scale) {
    return SESSIONS_PER_PHASE * scale * phase;
  }

  /** Expected cache size after phase {@code p} (1-based). */
  public static int cacheAfter(int phase, int scale) {
    int size = 0;
    for (int i = 0; i < phase; i++) {
      size = Math.min(CACHE_CAPACITY * scale, size + CACHE_PUTS[i] * scale);
    }
    return size;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    scale = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int phases = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    if (phases < 2 || phases > 5 || scale < 1) {
      throw new IllegalArgumentException("phases must be 2..5 and scale at least 1");
    }
    for (int i = 0; i < CONFIGS; i++) {
      CONFIG.add(new Config(i));
    }
    SynchronousQueue<Integer> work = new SynchronousQueue<>();
    SynchronousQueue<Integer> done = new SynchronousQueue<>();
    Thread worker = new Thread(() -> {
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
    }, WORKER);
    worker.setDaemon(true);
    worker.start();
    int next = 0;
    int key = 0;
    for (int phase = 1; phase <= phases; phase++) {
      for (int i = 0; i < SESSIONS_PER_PHASE * scale; i++) {
        String id = "session-" + next++;
        SESSIONS.put(id, new Session(id));
      }
      for (int i = 0; i < LISTENERS_PER_PHASE * scale; i++) {
        LISTENERS.add(new Listener());
      }
      for (int i = 0; i < CACHE_PUTS[phase - 1] * scale; i++) {
        CACHE.put(key++, new CacheEntry());
      }
      JOBS.clear();
      if (phase == 2) {
        for (int i = 0; i < JOBS_IN_PHASE_2 * scale; i++) {
          JOBS.add(new Job());
        }
      }
      work.put(BUFFER_CHUNKS_PER_PHASE * scale);
      done.take();
      for (int i = 0; i < 2000 * scale; i++) {
        sink = new byte[10_000]; // garbage a live dump must not show
      }
      sink = null;
      Dumps.dump(dir, "phase" + phase + ".hprof");
    }
  }
}
