package io.memdiff.diff;

import io.memdiff.hprof.HeapIndex;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Joins a recording's old-object samples to a dump's objects: a sample joins when its address is an
 * object of the same class in the dump (the recording dumped right after the heap dump, so no
 * collection moved the object between them); its allocation stack then goes to that object's site.
 * Samples that do not join are counted, never guessed.
 */
public final class AllocationJoin {
  private AllocationJoin() {}

  /** @param dumpMillis when the heap dump was taken: samples allocated later cannot be in it */
  /**
   * The stacks of the samples that join objects {@code wanted} accepts (by object index), most samples
   * first: for one object, or every instance of a class.
   */
  public static List<AllocationStack> stacksOf(OldObjectSamples samples, HeapIndex index,
      IntPredicate wanted) {
    if (samples == null) {
      return List.of();
    }
    Map<List<String>, Long> stacks = new HashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      int o = index.indexOf(samples.addresses.getLong(i));
      if (o < 0 || !wanted.test(o)) {
        continue;
      }
      String cls = samples.classNames.get(i);
      if (cls == null || cls.equals(index.classOf(o).name())) {
        stacks.merge(samples.stacks.get(samples.stackOf.getInt(i)), 1L, Long::sum);
      }
    }
    return DiffEngine.sorted(stacks);
  }

  static List<List<AllocationStack>> stacksBySite(OldObjectSamples samples, HeapIndex index, int[] siteOf, int sites,
      String dump, long dumpMillis, Consumer<String> notes) {
    List<List<AllocationStack>> bySite = new ArrayList<>(Collections.nCopies(sites, List.of()));
    if (samples == null) {
      return bySite;
    }
    String recording = samples.file().getFileName().toString();
    if (samples.size() == 0) {
      notes.accept(recording + ": no old-object samples, so no allocation stacks for " + dump
          + " (record with settings=profile, as memdiff capture does)");
      return bySite;
    }
    Int2LongOpenHashMap[] counts = new Int2LongOpenHashMap[sites];
    int joined = 0;
    int younger = 0;
    for (int i = 0; i < samples.size(); i++) {
      int o = index.indexOf(samples.addresses.getLong(i));
      if (o < 0 || siteOf[o] < 0) {
        if (samples.allocatedAt.getLong(i) > dumpMillis) {
          younger++;
        }
        continue;
      }
      String cls = samples.classNames.get(i);
      if (cls != null && !cls.equals(index.classOf(o).name())) {
        continue;
      }
      joined++;
      int s = siteOf[o];
      if (counts[s] == null) {
        counts[s] = new Int2LongOpenHashMap();
      }
      counts[s].addTo(samples.stackOf.getInt(i), 1);
    }
    int missed = samples.size() - joined;
    if (joined == 0) {
      notes.accept(recording + ": none of its " + samples.size() + " old-object samples is an object of " + dump
          + ": is it from another process, or dumped long after the heap dump?");
    } else if (missed > 0) {
      notes.accept(recording + ": " + joined + " of " + samples.size() + " old-object samples joined objects of " + dump
          + "; " + missed + " did not (" + (younger > 0 ? younger + " allocated after the heap dump, " : "")
          + (missed - younger) + " moved by a collection or collected)");
    }
    for (int s = 0; s < sites; s++) {
      if (counts[s] == null) {
        continue;
      }
      List<AllocationStack> list = new ArrayList<>(counts[s].size());
      for (Int2LongOpenHashMap.Entry e : counts[s].int2LongEntrySet()) {
        list.add(new AllocationStack(samples.stacks.get(e.getIntKey()), e.getLongValue()));
      }
      list.sort(Comparator.comparingLong(AllocationStack::samples).reversed()
          .thenComparing(a -> String.join("\n", a.frames())));
      bySite.set(s, List.copyOf(list));
    }
    return bySite;
  }
}
