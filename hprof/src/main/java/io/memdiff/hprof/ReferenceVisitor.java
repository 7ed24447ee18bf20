package io.memdiff.hprof;

/** Receives the outbound references of one object; null references are never passed. */
@FunctionalInterface
public interface ReferenceVisitor {
  /** @param label an {@link EdgeLabel} */
  void reference(int label, long targetAddress);
}
