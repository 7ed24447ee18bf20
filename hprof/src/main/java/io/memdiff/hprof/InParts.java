package io.memdiff.hprof;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Work split into parts that run at once: the passes over a dump's records and their index. */
final class InParts {
  private InParts() {}

  /**
   * Runs the tasks at once, the last on this thread and the others on the common pool, and waits for
   * all. The first failure in task order is thrown: unchecked ones as themselves, anything else as
   * the {@link CompletionException} that carries it.
   */
  static void run(List<? extends Runnable> tasks) {
    List<CompletableFuture<Void>> running = new ArrayList<>(tasks.size());
    for (int k = 0; k < tasks.size(); k++) {
      Runnable task = tasks.get(k);
      running.add(k < tasks.size() - 1 ? CompletableFuture.runAsync(task) : CompletableFuture.runAsync(task, Runnable::run));
    }
    for (CompletableFuture<Void> f : running) {
      try {
        f.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r && !(r instanceof CompletionException)) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }
}
