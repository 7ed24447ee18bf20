package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns CLASS DUMP and LOAD CLASS records into {@link ClassInfo}s: names in Java form, superclasses,
 * and field layouts over the hierarchy. Classes the objects refer to without a CLASS DUMP (and the
 * primitive array classes, which some writers never dump) get synthetic entries, so every object has
 * a class. The table is built once per dump; only the instance sizes depend on the {@link Layout},
 * and {@link #resolveSizes} sets them again for each layout tried.
 */
final class ClassTableBuilder {
  private static final int MAX_HIERARCHY_DEPTH = 1024;

  private final List<ClassInfo> classes = new ArrayList<>();
  private final Long2IntOpenHashMap indexById = new Long2IntOpenHashMap();
  private final ClassInfo[] primitiveArrayClasses = new ClassInfo[12];
  private final ClassInfo javaLangClass;
  private final ClassInfo[] table;
  private long missingSuperclasses;

  /** @param idSize the dump's id size, which field offsets in the instance records depend on */
  ClassTableBuilder(List<ClassDump> dumps, Long2LongOpenHashMap nameIds, Strings strings, long[] referencedClassIds,
      int idSize) {
    indexById.defaultReturnValue(-1);
    List<ClassDump> sorted = new ArrayList<>(dumps);
    sorted.sort(Comparator.comparingLong(ClassDump::classId));
    for (ClassDump d : sorted) {
      if (indexById.get(d.classId()) >= 0) {
        continue; // a duplicate CLASS DUMP: the first one wins
      }
      add(d.classId(), nameOf(d.classId(), nameIds, strings), d, -1);
    }
    for (int type = BasicType.BOOLEAN; type <= BasicType.LONG; type++) {
      String name = BasicType.name(type) + "[]";
      ClassInfo found = null;
      for (ClassInfo c : classes) {
        if (c.name().equals(name) && !c.isSynthetic()) {
          found = c;
          break;
        }
      }
      if (found == null) {
        found = addUnregistered(name, type);
      } else {
        ClassInfo typed = new ClassInfo(found.index(), found.classId(), found.name(), found.dump(), type);
        classes.set(found.index(), typed);
        found = typed;
      }
      primitiveArrayClasses[type] = found;
    }
    for (long id : referencedClassIds) {
      if (indexById.get(id) < 0) {
        String name = nameIds.containsKey(id)
            ? nameOf(id, nameIds, strings)
            : "<unknown class 0x" + Long.toHexString(id) + ">";
        add(id, name, null, -1);
      }
    }
    ClassInfo jlc = null;
    for (ClassInfo c : classes) {
      if (c.name().equals("java.lang.Class") && !c.isSynthetic()) {
        jlc = c;
        break;
      }
    }
    this.javaLangClass = jlc != null ? jlc : addUnregistered("java.lang.Class", -1);
    for (ClassInfo c : classes) {
      ClassDump d = c.dump();
      if (d != null && d.superId() != 0) {
        int s = indexById.get(d.superId());
        if (s >= 0 && s != c.index()) {
          c.superclass = classes.get(s);
        } else {
          c.missingSuperclass = true;
          missingSuperclasses++;
        }
      }
    }
    breakSuperclassCycles();
    resolveFields(idSize);
    this.table = classes.toArray(new ClassInfo[0]);
  }

  /** A corrupt dump can make superclasses form a cycle; cut it so hierarchy walks end. */
  private void breakSuperclassCycles() {
    for (ClassInfo c : classes) {
      int depth = 0;
      for (ClassInfo k = c; k != null; k = k.superclass) {
        if (++depth > classes.size()) {
          c.superclass = null;
          c.missingSuperclass = true;
          missingSuperclasses++;
          break;
        }
      }
    }
  }

  private static String nameOf(long classId, Long2LongOpenHashMap nameIds, Strings strings) {
    if (!nameIds.containsKey(classId)) {
      return "<unnamed class 0x" + Long.toHexString(classId) + ">";
    }
    String internal = strings.get(nameIds.get(classId));
    return internal == null ? "<unnamed class 0x" + Long.toHexString(classId) + ">" : ClassInfo.javaName(internal);
  }

  /** A class the dump never dumped (no id): reachable by name and role, not by id. */
  private ClassInfo addUnregistered(String name, int primitiveType) {
    ClassInfo c = new ClassInfo(classes.size(), 0, name, null, primitiveType);
    classes.add(c);
    return c;
  }

  private ClassInfo add(long classId, String name, ClassDump dump, int primitiveType) {
    ClassInfo c = new ClassInfo(classes.size(), classId, name, dump, primitiveType);
    classes.add(c);
    indexById.put(classId, c.index());
    return c;
  }

  /**
   * The instance size under HotSpot's layout before JDK 15: each class's own fields form a block that
   * starts at the superclass's end rounded up to the reference size, with a 4-byte hole before 8-byte
   * fields that no 4-byte field can fill. JDK 15 and later pack fields into the holes of superclasses
   * ({@code packedSize}); which rule a dump follows is decided from its addresses.
   */
  private static long blockSize(ClassInfo c, Layout layout) {
    ArrayDeque<ClassInfo> chain = new ArrayDeque<>();
    int depth = 0;
    for (ClassInfo k = c; k != null && depth++ < MAX_HIERARCHY_DEPTH; k = k.superclass) {
      chain.push(k);
    }
    int ref = layout.refSize();
    long offset = layout.header();
    boolean first = true;
    for (ClassInfo k : chain) {
      if (k.dump() == null || k.dump().instanceFieldTypes().length == 0) {
        continue;
      }
      long start = first ? offset : (offset + ref - 1) / ref * ref;
      first = false;
      long bytes = 0;
      boolean wide = false;
      boolean four = false;
      for (byte t : k.dump().instanceFieldTypes()) {
        int size = t == BasicType.OBJECT ? ref : BasicType.size(t, 0);
        bytes += size;
        wide |= size == 8 && t != BasicType.OBJECT;
        four |= size == 4;
      }
      if (wide && start % 8 != 0 && !four) {
        start += 4;
      }
      offset = start + bytes;
    }
    return layout.alignUp(offset);
  }

  /** Chooses per-class field blocks (old HotSpot) over packed fields for every class. */
  void useFieldBlocks() {
    for (ClassInfo c : classes) {
      c.shallowInstanceSize = c.blockSize;
    }
  }

  /** Lays out every class's instance fields: own first, then each superclass's. */
  private void resolveFields(int idSize) {
    for (ClassInfo c : classes) {
      ByteArrayOutputStream typeBytes = new ByteArrayOutputStream();
      LongArrayList names = new LongArrayList();
      int depth = 0;
      for (ClassInfo k = c; k != null && depth < MAX_HIERARCHY_DEPTH; k = k.superclass, depth++) {
        if (k.dump() != null) {
          typeBytes.writeBytes(k.dump().instanceFieldTypes());
          names.addElements(names.size(), k.dump().instanceFieldNameIds());
        }
      }
      byte[] types = typeBytes.toByteArray();
      int n = types.length;
      int[] offsets = new int[n];
      IntArrayList refOffsets = new IntArrayList();
      IntArrayList refSlots = new IntArrayList();
      int offset = 0;
      for (int i = 0; i < n; i++) {
        int t = types[i];
        offsets[i] = offset;
        if (t == BasicType.OBJECT) {
          refOffsets.add(offset);
          refSlots.add(i);
        }
        offset += BasicType.size(t, idSize);
      }
      c.fieldTypes = types;
      c.fieldNameIds = names.toLongArray();
      c.fieldOffsets = offsets;
      c.referenceFieldOffsets = refOffsets.toIntArray();
      c.referenceFieldSlots = refSlots.toIntArray();
      c.valueBytes = offset;
    }
  }

  /** Sizes every class's instances under {@code layout}, with packed fields (see {@link #useFieldBlocks}). */
  void resolveSizes(Layout layout) {
    for (ClassInfo c : classes) {
      long primitive = 0;
      for (byte t : c.fieldTypes) {
        if (t != BasicType.OBJECT) {
          primitive += BasicType.size(t, 0);
        }
      }
      c.packedSize = layout.instanceSize(primitive, c.referenceFieldOffsets.length);
      c.blockSize = blockSize(c, layout);
      c.shallowInstanceSize = c.packedSize;
    }
  }

  /** Every class, in index order; the same array each time. */
  ClassInfo[] classes() {
    return table;
  }

  /** The class with this mirror id, or null. */
  ClassInfo classById(long classId) {
    int i = indexById.get(classId);
    return i < 0 ? null : table[i];
  }

  Long2IntOpenHashMap indexById() {
    return indexById;
  }

  ClassInfo javaLangClass() {
    return javaLangClass;
  }

  ClassInfo[] primitiveArrayClasses() {
    return primitiveArrayClasses;
  }

  long missingSuperclasses() {
    return missingSuperclasses;
  }
}
