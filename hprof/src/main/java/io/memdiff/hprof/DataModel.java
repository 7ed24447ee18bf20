package io.memdiff.hprof;

/**
 * The JVM's word width as the heap itself records it: {@code System.props} holds
 * {@code sun.arch.data.model}. Dumps whose ids are 4 bytes and whose ids are not addresses (the old
 * hprof agent's) give no other sign of a 64-bit JVM, and were sized as 32-bit ones.
 */
final class DataModel {
  private static final String KEY = "sun.arch.data.model";

  private DataModel() {}

  /**
   * The layout a 64-bit JVM gave the dump's objects, when its {@code System.props} says it was one:
   * compressed oops and class pointers, HotSpot's default since 6u23 for heaps under 32 GB (the dump
   * cannot tell whether the JVM ran without them; {@code --object-header 16 --ref-size 8} then). Null
   * when the heap does not say 64.
   */
  static Layout layoutOf(DumpCatalog catalog, ScanOptions options, int align) throws HprofFormatException {
    ClassInfo system = null;
    for (int i = 0; i < catalog.classCount() && system == null; i++) {
      ClassInfo c = catalog.classAt(i);
      if (c.name().equals("java.lang.System") && c.dump() != null) {
        system = c;
      }
    }
    if (system == null) {
      return null;
    }
    long propsId = 0;
    long[] names = system.dump().staticNameIds();
    for (int s = 0; s < names.length; s++) {
      if ("props".equals(catalog.strings().get(names[s])) && system.dump().staticTypes()[s] == BasicType.OBJECT) {
        propsId = system.dump().staticValues()[s];
      }
    }
    if (propsId == 0) {
      return null;
    }
    HeapIndex index = HeapIndex.build(catalog, options);
    InstanceFields fields = new InstanceFields(index);
    int props = index.indexOf(propsId);
    int table = props < 0 ? -1 : fields.reference(props, "table");
    if (table < 0 || index.kind(table) != ObjectKind.OBJECT_ARRAY) {
      return null;
    }
    int[] found = {-1};
    index.forEachReference(table, (label, address) -> {
      for (int entry = index.indexOf(address); entry >= 0 && found[0] < 0; entry = fields.reference(entry, "next")) {
        if (KEY.equals(fields.string(fields.reference(entry, "key")))) {
          found[0] = fields.reference(entry, "value");
        }
      }
    });
    return "64".equals(fields.string(found[0])) ? Layout.compressed(align)
        .withDescription("64-bit (the heap's " + KEY + "), compressed oops assumed (HotSpot's default);"
            + " --object-header 16 --ref-size 8 if it ran without") : null;
  }
}
