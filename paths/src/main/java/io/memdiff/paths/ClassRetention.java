package io.memdiff.paths;

/**
 * Retained bytes per class, each object counted once (in the class of its nearest dominator that
 * is an instance of it), and apart from them the bytes of objects no root reaches: garbage the next
 * collection frees retains nothing for a class.
 *
 * @param retainedBytes by class index
 * @param unreachableBytes by class index
 */
public record ClassRetention(long[] retainedBytes, long[] unreachableBytes) {
  public static ClassRetention of(HeapAnalysis a) {
    int classes = a.catalog().classCount();
    int[] classOf = new int[a.index().objectCount()];
    long[] unreachable = new long[classes];
    for (int o = 0; o < classOf.length; o++) {
      if (a.reachability().label(o) == Reachability.UNREACHABLE) {
        classOf[o] = -1;
        unreachable[a.index().classIndexOf(o)] += a.graph().shallowSize(o);
      } else {
        classOf[o] = a.index().classIndexOf(o);
      }
    }
    return new ClassRetention(a.dominators().retainedByGroup(classOf, classes), unreachable);
  }
}
