package io.memdiff.paths;

/**
 * What a link from an object up to the one above it holds where it names no object or position: in
 * the breadth-first parents ({@link Reachability#parent}, {@link Reachability#parentPosition}), the
 * referent holders ({@link Reachability#referentHolder}) and the immediate dominators
 * ({@link Dominators#idom}, {@link Dominators#immediateDominators}). The links stay plain ints in
 * their arrays; every value here is negative, so a walk up the links ends at the first one below 0.
 */
public final class ParentLinks {
  /**
   * Above a GC root: the virtual root whose children the roots are, which is no object and has no
   * position. A root's parent, parent position and immediate dominator.
   */
  public static final int VIRTUAL_ROOT = -2;

  /**
   * No object at all: the parent and the immediate dominator of an object no root reaches, and the
   * referent holder of an object that no soft/weak/finalizer/phantom reference reached first.
   */
  public static final int NO_OBJECT = -1;

  /**
   * The parent position of a soft/weak/finalizer/phantom referent, which the search does not record:
   * the parent is the reference's holder, found by object with {@link Reachability#referentHolder}.
   */
  public static final int HOLDER_BY_OBJECT = -1;

  private ParentLinks() {}
}
