package io.memdiff.paths;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;

/**
 * Which fields do not keep their target alive: {@code java.lang.ref.Reference.referent} in soft, weak,
 * phantom and final references, and {@code discovered}, a GC-internal link. {@code queue} and
 * {@code next} stay strong.
 */
final class ReferenceKinds {
  /** {@link #weakening} of a field that keeps its target alive: every field but those below. */
  static final byte STRONG_FIELD = 0;
  /** {@link #weakening} of Reference.discovered, the collector's own link, which is no reference at all. */
  static final byte IGNORED_FIELD = 6;

  private final ClassInfo reference;
  private final ClassInfo soft;
  private final ClassInfo weak;
  private final ClassInfo phantom;
  private final ClassInfo finalRef;
  /** Per class, the label its referent gives, or {@link #STRONG_FIELD} for a class that is no Reference. */
  private final byte[] kindByClass;
  private final int[] referentSlotByClass;
  private final int[] discoveredSlotByClass;

  ReferenceKinds(DumpCatalog catalog) {
    this.reference = find(catalog, "java.lang.ref.Reference");
    this.soft = find(catalog, "java.lang.ref.SoftReference");
    this.weak = find(catalog, "java.lang.ref.WeakReference");
    this.phantom = find(catalog, "java.lang.ref.PhantomReference");
    this.finalRef = find(catalog, "java.lang.ref.FinalReference");
    int n = catalog.classCount();
    kindByClass = new byte[n];
    referentSlotByClass = new int[n];
    discoveredSlotByClass = new int[n];
    for (int i = 0; i < n; i++) {
      ClassInfo c = catalog.classAt(i);
      referentSlotByClass[i] = -1;
      discoveredSlotByClass[i] = -1;
      if (reference == null || !c.isSubclassOf(reference)) {
        continue;
      }
      byte kind = Reachability.WEAK;
      if (soft != null && c.isSubclassOf(soft)) {
        kind = Reachability.SOFT;
      } else if (phantom != null && c.isSubclassOf(phantom)) {
        kind = Reachability.PHANTOM;
      } else if (finalRef != null && c.isSubclassOf(finalRef)) {
        kind = Reachability.FINALIZER;
      } else if (weak == null || !c.isSubclassOf(weak)) {
        kind = Reachability.WEAK; // an unknown Reference subclass: treat the referent as weak
      }
      kindByClass[i] = kind;
      // The Reference's own fields come last in the hierarchy's field list; take the last match.
      for (int slot = 0; slot < c.fieldCount(); slot++) {
        String name = catalog.strings().get(c.fieldNameId(slot));
        if ("referent".equals(name)) {
          referentSlotByClass[i] = slot;
        } else if ("discovered".equals(name)) {
          discoveredSlotByClass[i] = slot;
        }
      }
    }
  }

  private static ClassInfo find(DumpCatalog catalog, String name) {
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      if (c.name().equals(name) && !c.isSynthetic()) {
        return c;
      }
    }
    return null;
  }

  /**
   * How a field of an instance of this class holds its target: a {@link Reachability} label from
   * {@link Reachability#SOFT} to {@link Reachability#PHANTOM} for a referent, else
   * {@link #STRONG_FIELD} or {@link #IGNORED_FIELD}.
   */
  byte weakening(int classIndex, int fieldSlot) {
    byte k = kindByClass[classIndex];
    if (k == STRONG_FIELD) {
      return STRONG_FIELD;
    }
    if (fieldSlot == referentSlotByClass[classIndex]) {
      return k;
    }
    return fieldSlot == discoveredSlotByClass[classIndex] ? IGNORED_FIELD : STRONG_FIELD;
  }
}
