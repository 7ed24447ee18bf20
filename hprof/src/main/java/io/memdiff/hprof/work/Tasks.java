package io.memdiff.hprof.work;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The one threading policy of the analysis: work beside the caller runs on daemon threads of its
 * own, one per task and named for it, never on the common pool. A pass splits its work into as many
 * parts as it has cores and waits for them; a task parked on a shared pool could wait behind those
 * very parts (on two cores the common pool has one worker). Daemons, so a failure elsewhere never
 * leaves memdiff waiting on one. Failures reach the caller unwrapped.
 */
public final class Tasks {
  private Tasks() {}

  /** Set by {@link #useThreads}; 0 for the cores this JVM is given. */
  private static volatile int threads;

  /**
   * How many parts a pass splits into: the cores this JVM is given (or {@link #useThreads}'s
   * number), never an assumed number.
   */
  public static int cores() {
    int t = threads;
    return t > 0 ? t : Runtime.getRuntime().availableProcessors();
  }

  /** Splits passes into this many parts from now on, whatever the machine has; 0 for its cores. */
  public static void useThreads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("threads must be 0 or more, got " + n);
    }
    threads = n;
  }

  /** An executor that starts a daemon thread of this name for each task. */
  public static Executor named(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.start();
    };
  }

  /** Computes a value on a daemon thread of this name; {@link #join} it. */
  public static <T> CompletableFuture<T> async(String name, Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, named(name));
  }

  /** Runs work on a daemon thread of this name; {@link #join} it. */
  public static CompletableFuture<Void> run(String name, Runnable work) {
    return CompletableFuture.runAsync(work, named(name));
  }

  /**
   * Runs the tasks at once, the last on this thread and the others on daemon threads of this name,
   * and waits for all; the first failure in task order is thrown.
   */
  public static void all(String name, List<? extends Runnable> tasks) {
    List<CompletableFuture<Void>> running = new ArrayList<>(tasks.size());
    for (int k = 0; k < tasks.size() - 1; k++) {
      running.add(run(name, tasks.get(k)));
    }
    Throwable last = null;
    if (!tasks.isEmpty()) {
      try {
        tasks.get(tasks.size() - 1).run();
      } catch (RuntimeException | Error e) {
        last = e;
      }
    }
    for (CompletableFuture<Void> f : running) {
      join(f);
    }
    if (last instanceof RuntimeException r) {
      throw r;
    }
    if (last instanceof Error e) {
      throw e;
    }
  }

  /** Waits for work on another thread, and throws what it threw, unwrapped. */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
