package io.memdiff.paths;

/**
 * What {@link Reachability#rootRecord} answers for an object no root record names. For any other
 * object the answer is an index into the dump's {@link io.memdiff.hprof.Roots}, never negative.
 */
public final class RootRecord {
  /** A class mirror: a root of its own, so that statics read as {@code static C.f} (see {@link ClassRoots}). */
  public static final int CLASS = -1;

  /** A running Ruby thread (see {@link RootOrder}): it holds its stack's objects and its thread-locals. */
  public static final int THREAD = -3;

  /** Not a root. */
  public static final int NOT_A_ROOT = -2;

  private RootRecord() {}
}
