package io.memdiff.cli;

import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import io.memdiff.diff.Shape;
import io.memdiff.engine.MemoryAccount;
import java.util.ArrayList;
import java.util.List;

/**
 * The diff's CI gates ({@code --fail-on-growth}, {@code --fail-on-leak}, {@code --fail-on-total-growth},
 * {@code --fail-on-growth-outside-heap})
 * in one place, so that the exit code, the lines on stderr, JUnit failures and GitHub error
 * annotations always agree on what crossed.
 *
 * @param growthBytes a finding crosses when its bytes grew by this many or more; null for no gate
 * @param leak a finding of the leak shape crosses
 * @param totalGrowthBytes the heap crosses when its bytes grew by this many or more; null for no gate
 * @param baseline findings already known ({@code --baseline}), which cross no finding's gate
 * @param outsideHeapGrowthBytes the process crosses when its RSS grew by this many or more outside the
 *     heap; null for no gate
 */
record Gates(Long growthBytes, boolean leak, Long totalGrowthBytes, Baseline baseline, Long outsideHeapGrowthBytes) {
  Gates(Long growthBytes, boolean leak, Long totalGrowthBytes) {
    this(growthBytes, leak, totalGrowthBytes, Baseline.NONE, null);
  }

  /**
   * Why {@code f} crosses a gate (the growth gate named first), or null when it crosses none or is in
   * the baseline.
   */
  String crossed(Finding f) {
    if (baseline.knows(f)) {
      return null;
    }
    if (growthBytes != null && f.growthBytes() >= growthBytes) {
      return "growth " + f.growthBytes() + " bytes >= " + growthBytes;
    }
    if (leak && f.shape() == Shape.LEAK) {
      return "leak";
    }
    return null;
  }

  /** Why the heap as a whole crosses {@code --fail-on-total-growth}, or null. */
  String crossed(DiffReport.Heap heap) {
    if (totalGrowthBytes != null && heap.growthBytes() >= totalGrowthBytes) {
      return "heap growth " + heap.growthBytes() + " bytes >= " + totalGrowthBytes;
    }
    return null;
  }

  /** Why the process crosses {@code --fail-on-growth-outside-heap}, or null (always null when its memory is unknown). */
  String crossed(MemoryAccount.Verdict verdict) {
    Long outside = verdict.outsideHeapGrowthBytes();
    if (outsideHeapGrowthBytes != null && outside != null && outside >= outsideHeapGrowthBytes) {
      return "growth outside the heap " + outside + " bytes >= " + outsideHeapGrowthBytes + " (verdict "
          + verdict.kind().label() + ")";
    }
    return null;
  }

  /**
   * The findings a CI report lists: those shown (after {@code --top}), then any that crosses a gate
   * but was cut, so that no failure is hidden by {@code --top}.
   */
  List<Finding> reported(List<Finding> all, List<Finding> shown) {
    List<Finding> reported = new ArrayList<>(shown);
    for (Finding f : all.subList(shown.size(), all.size())) {
      if (crossed(f) != null) {
        reported.add(f);
      }
    }
    return reported;
  }
}
