package io.memdiff.cli;

import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Three small hand-built dumps of one service, five minutes apart, for the JSON golden files: every
 * byte is fixed here, so the outputs depend on memdiff alone. The service leaks sessions into a
 * static registry (2, 4, 6, each with a 1000-byte payload), fills a bounded cache (1, 3, 3 entries)
 * and lets a worker thread's local array of chunks grow (1, 2, 3); one byte[] in each dump is
 * garbage. Objects are laid out as a 64-bit JVM with compressed oops would lay them out (header 12,
 * references 4, alignment 8), so memdiff infers the usual layout.
 */
final class GoldenDumps {
  static final long OBJECT = 0x1000;
  static final long CLASS = 0x1100;
  static final long STRING = 0x1200;
  static final long THREAD = 0x1300;
  static final long BYTES = 0x1400;
  static final long OBJECTS = 0x1500;
  static final long REGISTRY = 0x1600;
  static final long SESSION = 0x1700;
  static final long CACHE = 0x1800;
  static final long ENTRY = 0x1900;
  static final long WORKER = 0x1A00;
  static final long TOKEN_STORE_CLASS = 0x1B00;
  static final long TOKEN = 0x1C00;
  /** Where the first object other than a class mirror goes. */
  static final long FIRST_OBJECT = 0x2000;
  static final long FRAME = 0x9000;
  static final int THREAD_SERIAL = 1;
  static final int THREAD_TRACE = 2;
  /** Header time of the first dump; each later one is five minutes on. */
  static final long START_MILLIS = HprofWriter.DEFAULT_TIMESTAMP;
  static final String SESSION_CLASS = "com.acme.Session";
  static final String TOKEN_CLASS = "com.acme.Token";
  static final String TOKEN_STORE = "com/acme/TokenStore";

  private GoldenDumps() {}

  /** Writes the three dumps to {@code dir}/1.hprof … 3.hprof; their paths, in order. */
  static String[] writeSeries(Path dir) throws IOException {
    String[] paths = new String[3];
    for (int n = 1; n <= 3; n++) {
      paths[n - 1] = write(n, dir.resolve(n + ".hprof")).toString();
    }
    return paths;
  }

  /** Writes dump {@code n} (1, 2 or 3) to {@code file}. */
  static Path write(int n, Path file) throws IOException {
    return dump(n).writeTo(file);
  }

  /** The address of the first session in every dump: {@code show} opens it. */
  static long firstSession() {
    return FIRST_OBJECT + objectArraySize(8);
  }

  static HprofWriter dump(int n) {
    return dump(n, "com/acme/Session");
  }

  /** Dump {@code n} with the sessions' class named {@code sessionClass} (as HPROF spells it, with slashes). */
  static HprofWriter dump(int n, String sessionClass) {
    return dump(n, sessionClass, null);
  }

  /**
   * Dump {@code n} with one more leak unless {@code tokenStore} is null: tokens (3, 6, 9, each with an
   * 800-byte secret) in the static {@code TOKENS} of class {@code tokenStore}, laid out after
   * everything else, so the rest of the dump is as without it.
   */
  static HprofWriter dump(int n, String sessionClass, String tokenStore) {
    return build(n, tokenStore, new Names(utf8(sessionClass), utf8("SESSIONS"), "worker-1"));
  }

  /**
   * The names the dump's own bytes give: the sessions' class and the registry's static field as the
   * bytes of their UTF8 records (valid modified UTF-8 or not), and the worker thread's name.
   */
  record Names(byte[] sessionClass, byte[] sessionsField, String workerThread) {}

  static HprofWriter dump(int n, Names given) {
    return build(n, null, given);
  }

  private static byte[] utf8(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static HprofWriter build(int n, String tokenStore, Names given) {
    boolean tokenLeak = tokenStore != null;
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_2, 8, START_MILLIS + (n - 1) * 5 * 60_000L);
    String[] names = {"java/lang/Object", "java/lang/Class", "java/lang/String", "java/lang/Thread", "[B",
        "[Ljava/lang/Object;", "com/acme/Registry", null, "com/acme/Cache", "com/acme/Entry",
        "com/acme/Worker"};
    long[] ids = {OBJECT, CLASS, STRING, THREAD, BYTES, OBJECTS, REGISTRY, SESSION, CACHE, ENTRY, WORKER};
    for (int i = 0; i < ids.length; i++) {
      w.loadClass(i + 1, ids[i], 1, names[i] == null ? w.string(given.sessionClass()) : w.string(names[i]));
    }
    if (tokenLeak) {
      w.loadClass(ids.length + 1, TOKEN_STORE_CLASS, 1, w.string(tokenStore));
      w.loadClass(ids.length + 2, TOKEN, 1, w.string("com/acme/Token"));
    }
    w.frame(FRAME, w.string("run"), w.string("()V"), w.string("Worker.java"), 11, 42);
    w.trace(1, 0);
    w.trace(THREAD_TRACE, THREAD_SERIAL, FRAME);
    long value = w.string("value");
    long coder = w.string("coder");
    long name = w.string("name");
    long payload = w.string("payload");
    long id = w.string("id");
    long sessionsField = w.string(given.sessionsField());
    long entriesField = w.string("ENTRIES");
    long tokensField = tokenLeak ? w.string("TOKENS") : 0;
    long secretField = tokenLeak ? w.string("secret") : 0;

    int sessions = 2 * n;
    int entries = n == 1 ? 1 : 3;
    int chunks = n;
    long sessionArray = FIRST_OBJECT;
    long at = sessionArray + objectArraySize(8);
    long[] sessionIds = new long[8];
    long[] payloads = new long[sessions];
    for (int i = 0; i < sessions; i++) {
      sessionIds[i] = at;
      payloads[i] = at + 24;
      at += 24 + primitiveArraySize(1000);
    }
    long entryArray = at;
    at += objectArraySize(4);
    long[] entryIds = new long[4];
    long[] entryValues = new long[entries];
    for (int i = 0; i < entries; i++) {
      entryIds[i] = at;
      entryValues[i] = at + 16;
      at += 16 + primitiveArraySize(600);
    }
    long thread = at;
    long threadName = thread + 16;
    long threadNameBytes = threadName + 24;
    boolean latin1 = given.workerThread().chars().allMatch(c -> c <= 0xFF);
    byte[] threadNameValue = given.workerThread().getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
    at = threadNameBytes + primitiveArraySize(threadNameValue.length);
    long chunkArray = at;
    at += objectArraySize(4);
    long[] chunkIds = new long[4];
    for (int i = 0; i < chunks; i++) {
      chunkIds[i] = at;
      at += primitiveArraySize(2048);
    }
    long garbage = at;
    at += primitiveArraySize(64);
    int tokens = tokenLeak ? 3 * n : 0;
    long tokenArray = at;
    at += objectArraySize(12);
    long[] tokenIds = new long[12];
    long[] secrets = new long[tokens];
    for (int i = 0; i < tokens; i++) {
      tokenIds[i] = at;
      secrets[i] = at + 16;
      at += 16 + primitiveArraySize(800);
    }

    HprofWriter.Bytes heap = w.body();
    heap.classDump(OBJECT, 0, 0).end();
    heap.classDump(CLASS, OBJECT, 0).end();
    heap.classDump(STRING, OBJECT, 9).field(value, Hprof.OBJECT).field(coder, Hprof.BYTE).end();
    heap.classDump(THREAD, OBJECT, 8).field(name, Hprof.OBJECT).end();
    heap.classDump(BYTES, OBJECT, 0).end();
    heap.classDump(OBJECTS, OBJECT, 0).end();
    heap.classDump(REGISTRY, OBJECT, 0).staticField(sessionsField, Hprof.OBJECT, sessionArray).end();
    heap.classDump(SESSION, OBJECT, 12).field(payload, Hprof.OBJECT).field(id, Hprof.INT).end();
    heap.classDump(CACHE, OBJECT, 0).staticField(entriesField, Hprof.OBJECT, entryArray).end();
    heap.classDump(ENTRY, OBJECT, 8).field(value, Hprof.OBJECT).end();
    heap.classDump(WORKER, OBJECT, 0).end();

    heap.objectArray(sessionArray, 1, OBJECTS, sessionIds);
    for (int i = 0; i < sessions; i++) {
      heap.instance(sessionIds[i], 1, SESSION, w.values().id(payloads[i]).i4(i + 1));
      heap.primitiveArray(payloads[i], 1, Hprof.BYTE, 1000, new byte[1000]);
    }
    heap.objectArray(entryArray, 1, OBJECTS, entryIds);
    for (int i = 0; i < entries; i++) {
      heap.instance(entryIds[i], 1, ENTRY, w.values().id(entryValues[i]));
      heap.primitiveArray(entryValues[i], 1, Hprof.BYTE, 600, new byte[600]);
    }
    heap.instance(thread, 1, THREAD, w.values().id(threadName));
    // String.coder: 0 LATIN1, 1 UTF16
    heap.instance(threadName, 1, STRING, w.values().id(threadNameBytes).u1(latin1 ? 0 : 1));
    heap.byteArray(threadNameBytes, threadNameValue);
    heap.objectArray(chunkArray, 1, OBJECTS, chunkIds);
    for (int i = 0; i < chunks; i++) {
      heap.primitiveArray(chunkIds[i], 1, Hprof.BYTE, 2048, new byte[2048]);
    }
    heap.primitiveArray(garbage, 1, Hprof.BYTE, 64, new byte[64]); // no root reaches it
    if (tokenLeak) {
      heap.classDump(TOKEN_STORE_CLASS, OBJECT, 0).staticField(tokensField, Hprof.OBJECT, tokenArray).end();
      heap.classDump(TOKEN, OBJECT, 8).field(secretField, Hprof.OBJECT).end();
      heap.objectArray(tokenArray, 1, OBJECTS, tokenIds);
      for (int i = 0; i < tokens; i++) {
        heap.instance(tokenIds[i], 1, TOKEN, w.values().id(secrets[i]));
        heap.primitiveArray(secrets[i], 1, Hprof.BYTE, 800, new byte[800]);
      }
    }
    heap.rootStickyClass(OBJECT);
    heap.rootThreadObject(thread, THREAD_SERIAL, THREAD_TRACE);
    heap.rootJavaFrame(chunkArray, THREAD_SERIAL, 0);
    w.segment(heap);
    return w.heapDumpEnd();
  }

  /** An Object[] of {@code n} under the layout above. */
  private static long objectArraySize(int n) {
    return align(16 + 4L * n);
  }

  private static long primitiveArraySize(int bytes) {
    return align(16 + (long) bytes);
  }

  private static long align(long size) {
    return (size + 7) & ~7L;
  }
}
