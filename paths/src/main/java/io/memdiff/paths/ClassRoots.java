package io.memdiff.paths;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import java.util.HashMap;
import java.util.Map;

/**
 * Which classes are GC roots: every class but those defined, under a name that several loaders of the
 * dump define, by a loader other than the bootstrap one. A class is a root so that a static field
 * reads as {@code static com.acme.Registry.SESSIONS}; but one name defined by many loaders is the
 * mark of loaders that leak (a plugin or web application redeployed), and those classes live only as
 * long as their instances or their loaders do: their instances then reference them, so what holds
 * the instances holds the classes, their statics and their loaders too.
 */
final class ClassRoots {
  private ClassRoots() {}

  /** Per class index, whether the class is a root. */
  static boolean[] of(DumpCatalog catalog) {
    Map<String, Integer> definers = new HashMap<>();
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      if (!c.isSynthetic() && c.loaderId() != 0) {
        definers.merge(c.name(), 1, Integer::sum);
      }
    }
    boolean[] root = new boolean[catalog.classCount()];
    for (int i = 0; i < root.length; i++) {
      ClassInfo c = catalog.classAt(i);
      root[i] = c.isSynthetic() || c.loaderId() == 0 || definers.getOrDefault(c.name(), 0) < 2;
    }
    return root;
  }
}
