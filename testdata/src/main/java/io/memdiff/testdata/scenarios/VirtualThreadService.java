package io.memdiff.testdata.scenarios;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Requests held on the stacks of parked virtual threads, dumping itself (live) after each of
 * {@link #PHASES} phases: {@code vthreads-phase1.hprof}, … ({@link #dumpFile}). Argument: output directory.
 * Each phase starts {@link #VIRTUAL_THREADS_PER_PHASE} virtual threads named {@code req-1}, {@code req-2},
 * … ({@link #THREAD_NAME_PREFIX}, numbered on across phases); each makes one {@code $RequestState} (with a
 * byte[{@link #REQUEST_BYTES}]) held only by a local variable, then waits forever on a latch nobody
 * counts down, so the dump after phase {@code p} holds {@link #requestsAfter}{@code (p)} of them, all
 * reachable only from unmounted virtual-thread stacks.
 *
 * <p>Needs JDK 21 or later to run; built for release 17, so it reaches the virtual-thread API by
 * reflection, and exits with {@link #EXIT_NO_VIRTUAL_THREADS} and a one-line message where there is none.
 */
public final class VirtualThreadService {
  public static final int PHASES = 3;
  public static final int VIRTUAL_THREADS_PER_PHASE = 700;
  public static final String THREAD_NAME_PREFIX = "req-";
  public static final int REQUEST_BYTES = 1_000;
  /** Exit status when the running JDK has no virtual threads. */
  public static final int EXIT_NO_VIRTUAL_THREADS = 2;
  private static final long PARK_TIMEOUT_SECONDS = 30;

  /** State of one request, live on its thread's stack. */
  public static final class RequestState {
    final long id;
    final byte[] payload = new byte[REQUEST_BYTES];

    RequestState(long id) {
      this.id = id;
    }
  }

  /** Never counted down: every request thread waits on it for the rest of the program. */
  static final CountDownLatch NEVER = new CountDownLatch(1);
  static volatile long sink;

  private VirtualThreadService() {}

  public static String dumpFile(int phase) {
    return "vthreads-phase" + phase + ".hprof";
  }

  /** {@code $RequestState} (and parked {@code req-N} virtual threads) after phase {@code phase} (1-based). */
  public static int requestsAfter(int phase) {
    return VIRTUAL_THREADS_PER_PHASE * phase;
  }

  /** {@code Thread.ofVirtual().name(THREAD_NAME_PREFIX, 1)}, or null if this JDK has no virtual threads. */
  private static Object virtualBuilder() {
    try {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Object ofVirtual = Thread.class.getMethod("ofVirtual").invoke(null);
      return builder.getMethod("name", String.class, long.class).invoke(ofVirtual, THREAD_NAME_PREFIX, 1L);
    } catch (ReflectiveOperationException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void serve(long id, CountDownLatch parked) {
    RequestState state = new RequestState(id);
    parked.countDown();
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Read after the wait, so the state stays live on the stack while the thread waits.
    sink = state.id + state.payload.length;
  }

  /** Starts one phase's threads and returns once every one of them waits on {@link #NEVER}. */
  private static void startPhase(MethodHandle start, int phase) throws Throwable {
    CountDownLatch parked = new CountDownLatch(VIRTUAL_THREADS_PER_PHASE);
    List<Thread> threads = new ArrayList<>(VIRTUAL_THREADS_PER_PHASE);
    long first = (long) (phase - 1) * VIRTUAL_THREADS_PER_PHASE + 1;
    for (int i = 0; i < VIRTUAL_THREADS_PER_PHASE; i++) {
      long id = first + i;
      threads.add((Thread) start.invoke((Runnable) () -> serve(id, parked)));
    }
    if (!parked.await(PARK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("phase " + phase + ": " + parked.getCount() + " threads never started");
    }
    // Counted down just before waiting: wait until each has parked, so none is mounted at the dump.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PARK_TIMEOUT_SECONDS);
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(t.getName() + " is " + t.getState() + ", not WAITING");
        }
        Thread.onSpinWait();
      }
    }
    String last = threads.get(threads.size() - 1).getName();
    if (!last.equals(THREAD_NAME_PREFIX + (first + VIRTUAL_THREADS_PER_PHASE - 1))) {
      throw new IllegalStateException("phase " + phase + " ends with thread " + last);
    }
  }

  public static void main(String[] args) throws Throwable {
    Path dir = Path.of(args[0]);
    Object builder = virtualBuilder();
    if (builder == null) {
      System.err.println("VirtualThreadService needs virtual threads (JDK 21 or later); this is JDK "
          + Runtime.version());
      System.exit(EXIT_NO_VIRTUAL_THREADS);
    }
    // The builder's counter numbers the threads req-1, req-2, … across all phases.
    MethodHandle start = MethodHandles.publicLookup()
        .findVirtual(Class.forName("java.lang.Thread$Builder"), "start",
            MethodType.methodType(Thread.class, Runnable.class))
        .bindTo(builder);
    for (int phase = 1; phase <= PHASES; phase++) {
      startPhase(start, phase);
      Dumps.dump(dir, dumpFile(phase));
    }
  }
}
