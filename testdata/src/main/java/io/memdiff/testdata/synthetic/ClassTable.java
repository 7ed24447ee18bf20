package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes of a synthetic heap, as HotSpot describes them: a UTF8 name and LOAD CLASS per class, a
 * CLASS DUMP with the class's own fields in value order, and the real (compressed-oops) size of an
 * instance, which is what the object addresses step by. Arrays are classes too, with no fields.
 */
final class ClassTable {
  /** A static field whose value is an object address, given when the class is written. */
  record Static(String name, long address) {}

  private final int idSize;
  private final ObjectLayout layout;
  private final List<String> names = new ArrayList<>();
  private final List<Integer> supers = new ArrayList<>();
  private final List<String[]> fieldNames = new ArrayList<>();
  private final List<int[]> fieldTypes = new ArrayList<>();
  private final List<Boolean> boot = new ArrayList<>();
  private final List<List<Static>> statics = new ArrayList<>();
  private long firstMirror;
  private long mirrorSlot;
  private long loaderAddress;

  ClassTable(int idSize, ObjectLayout layout) {
    this.idSize = idSize;
    this.layout = layout;
  }

  /**
   * Adds a class; {@code fields} alternate a basic type's letter (L object, J long, I int, F float, B
   * byte, Z boolean) and a field name, the class's own fields in the order their values are written.
   */
  int define(String javaName, int superIndex, boolean bootLoader, String... fields) {
    String[] n = new String[fields.length / 2];
    int[] t = new int[fields.length / 2];
    for (int i = 0; i < n.length; i++) {
      t[i] = type(fields[2 * i].charAt(0));
      n[i] = fields[2 * i + 1];
    }
    names.add(javaName);
    supers.add(superIndex);
    fieldNames.add(n);
    fieldTypes.add(t);
    boot.add(bootLoader);
    statics.add(new ArrayList<>());
    return names.size() - 1;
  }

  void addStatic(int classIndex, String name, long address) {
    statics.get(classIndex).add(new Static(name, address));
  }

  int size() {
    return names.size();
  }

  String name(int classIndex) {
    return names.get(classIndex);
  }

  /** The name as Java source spells it: {@code byte[]}, {@code java.lang.Object[]}. */
  String sourceName(int classIndex) {
    String n = names.get(classIndex);
    if (n.equals("[B")) {
      return "byte[]";
    }
    return n.startsWith("[L") ? n.substring(2, n.length() - 1) + "[]" : n;
  }

  /** Class mirrors sit at the start of the heap, one real-sized slot each, before every object. */
  void placeMirrors(long firstMirror, long mirrorSlot) {
    this.firstMirror = firstMirror;
    this.mirrorSlot = mirrorSlot;
  }

  long classId(int classIndex) {
    return firstMirror + classIndex * mirrorSlot;
  }

  /** Where the mirrors end: the first object's address. */
  long mirrorsEnd() {
    return firstMirror + names.size() * mirrorSlot;
  }

  /** Classes not on the boot loader are defined by the loader at this address. */
  void appLoader(long address) {
    this.loaderAddress = address;
  }

  /** Bytes of field values in an INSTANCE DUMP, this class's and its superclasses'. */
  int valueBytes(int classIndex) {
    int sum = 0;
    for (int c = classIndex; c >= 0; c = supers.get(c)) {
      for (int t : fieldTypes.get(c)) {
        sum += Hprof.sizeOf(t, idSize);
      }
    }
    return sum;
  }

  /** The real size of an instance: header, fields with compressed references, aligned. */
  long instanceSize(int classIndex) {
    long primitives = 0;
    int refs = 0;
    for (int c = classIndex; c >= 0; c = supers.get(c)) {
      for (int t : fieldTypes.get(c)) {
        if (t == Hprof.OBJECT) {
          refs++;
        } else {
          primitives += Hprof.sizeOf(t, idSize);
        }
      }
    }
    return layout.instance(primitives, refs);
  }

  /** UTF8 records for every name this table uses, then a LOAD CLASS per class. */
  void writeNames(HprofSink out, Symbols symbols) throws IOException {
    for (int c = 0; c < names.size(); c++) {
      symbols.write(out, internal(names.get(c)));
      for (String f : fieldNames.get(c)) {
        symbols.write(out, f);
      }
      for (Static s : statics.get(c)) {
        symbols.write(out, s.name());
      }
    }
    for (int c = 0; c < names.size(); c++) {
      out.u1(Hprof.LOAD_CLASS).u4(0).u4(8L + 2L * idSize)
          .u4(c + 1).id(classId(c)).u4(1).id(symbols.id(internal(names.get(c))));
    }
  }

  /** A CLASS DUMP per class, and a STICKY CLASS root for each boot class, as HotSpot roots them. */
  void writeDumps(SubRecords subRecords, Symbols symbols) throws IOException {
    for (int c = 0; c < names.size(); c++) {
      String[] fn = fieldNames.get(c);
      int[] ft = fieldTypes.get(c);
      List<Static> st = statics.get(c);
      long bytes = 7L * idSize + 8 + 2 + 2 + st.size() * (2L * idSize + 1) + 2 + fn.length * (idSize + 1L);
      int superIndex = supers.get(c);
      HprofSink out = subRecords.classDump(bytes)
          .id(classId(c)).u4(1).id(superIndex < 0 ? 0 : classId(superIndex)).id(boot.get(c) ? 0 : loaderAddress)
          .id(0).id(0).id(0).id(0).u4(ownValueBytes(c)).u2(0).u2(st.size());
      for (Static s : st) {
        out.id(symbols.id(s.name())).u1(Hprof.OBJECT).id(s.address());
      }
      out.u2(fn.length);
      for (int i = 0; i < fn.length; i++) {
        out.id(symbols.id(fn[i])).u1(ft[i]);
      }
    }
    for (int c = 0; c < names.size(); c++) {
      if (boot.get(c)) {
        subRecords.stickyClass(classId(c));
      }
    }
  }

  private int ownValueBytes(int classIndex) {
    int sum = 0;
    for (int t : fieldTypes.get(classIndex)) {
      sum += Hprof.sizeOf(t, idSize);
    }
    return sum;
  }

  /** {@code java.util.HashMap$Node} → {@code java/util/HashMap$Node}; array names are already descriptors. */
  private static String internal(String javaName) {
    return javaName.replace('.', '/');
  }

  private static int type(char letter) {
    return switch (letter) {
      case 'L' -> Hprof.OBJECT;
      case 'J' -> Hprof.LONG;
      case 'I' -> Hprof.INT;
      case 'F' -> Hprof.FLOAT;
      case 'B' -> Hprof.BYTE;
      case 'Z' -> Hprof.BOOLEAN;
      default -> throw new IllegalArgumentException("not a field type letter: " + letter);
    };
  }
}
