package io.memdiff.testdata.scenarios;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service-shaped heap at a chosen size, for benchmarks: mostly small objects (about 10 per session:
 * the session, its id String and bytes, a HashMap of attributes with its table, nodes and boxed
 * values), in a registry that grows every phase, and an LRU cache that fills, then holds. Dumps itself
 * after each of three phases ({@code service1.hprof} …). Arguments: output directory, sessions per
 * phase.
 */
public final class ServiceHeap {
  /** One registered session. */
  public static final class Session {
    final String id;
    final Map<String, Object> attributes = new HashMap<>(4);
    final long created;
    int hits;

    Session(String id, long created) {
      this.id = id;
      this.created = created;
      attributes.put("user", Long.valueOf(1_000_000L + created));
      attributes.put("seen", Long.valueOf(2_000_000L + created));
    }
  }

  /** A cached value. */
  public static final class Cached {
    final int[] data = new int[4];
  }

  static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  static Map<Long, Cached> cache;

  private ServiceHeap() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int perPhase = Integer.parseInt(args[1]);
    int capacity = Math.max(1, perPhase / 4);
    cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Cached> eldest) {
        return size() > capacity;
      }
    };
    long next = 0;
    for (int phase = 1; phase <= 3; phase++) {
      for (int i = 0; i < perPhase; i++) {
        long n = next++;
        SESSIONS.put("session-" + n, new Session("s" + n, n));
        if (i % 2 == 0) {
          cache.put(n, new Cached());
        }
      }
      Dumps.dump(dir, "service" + phase + ".hprof");
    }
  }
}
