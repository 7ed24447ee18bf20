package io.memdiff.hprof;

/**
 * One class of the dump: its name, superclass, and the field layout of its instances across the whole
 * hierarchy (own fields first, then the superclass's, as INSTANCE DUMP values are written).
 */
public final class ClassInfo {
  private final int index;
  private final long classId;
  private final String name;
  private final ClassDump dump;
  private final int primitiveArrayType;
  ClassInfo superclass;

  // Resolved over the hierarchy once all classes are known.
  byte[] fieldTypes = new byte[0];
  long[] fieldNameIds = new long[0];
  int[] fieldOffsets = new int[0];
  int[] referenceFieldOffsets = new int[0];
  int[] referenceFieldSlots = new int[0];
  int valueBytes;
  long shallowInstanceSize;
  /** Sizes under the two field-layout rules (see {@link ClassTableBuilder#resolveSizes}). */
  long packedSize;
  long blockSize;
  boolean missingSuperclass;

  /**
   * @param dump the CLASS DUMP, or null for a class the dump names without dumping it (a primitive array
   *     class, or an object whose class is missing)
   * @param primitiveArrayType the element type for {@code int[]} and friends, else −1
   */
  ClassInfo(int index, long classId, String name, ClassDump dump, int primitiveArrayType) {
    this.index = index;
    this.classId = classId;
    this.name = name;
    this.dump = dump;
    this.primitiveArrayType = primitiveArrayType;
  }

  public int index() {
    return index;
  }

  /** Address of the class's {@code java.lang.Class} mirror; 0 for classes the dump lacks. */
  public long classId() {
    return classId;
  }

  /** Java source form: {@code java.lang.String}, {@code byte[]}, {@code java.util.HashMap$Node[]}. */
  public String name() {
    return name;
  }

  public ClassDump dump() {
    return dump;
  }

  public boolean isSynthetic() {
    return dump == null;
  }

  public ClassInfo superclass() {
    return superclass;
  }

  public boolean isArray() {
    return name.endsWith("[]");
  }

  public int primitiveArrayType() {
    return primitiveArrayType;
  }

  /** True when the dump names a superclass id that has no CLASS DUMP. */
  public boolean missingSuperclass() {
    return missingSuperclass;
  }

  public long loaderId() {
    return dump == null ? 0 : dump.loaderId();
  }

  /** Instance fields over the hierarchy, own first: count, types, name ids, offsets in the value bytes. */
  public int fieldCount() {
    return fieldTypes.length;
  }

  public int fieldType(int slot) {
    return fieldTypes[slot];
  }

  public long fieldNameId(int slot) {
    return fieldNameIds[slot];
  }

  public int fieldOffset(int slot) {
    return fieldOffsets[slot];
  }

  /** Offsets (in the instance's value bytes) of the reference fields, in field order. */
  public int[] referenceFieldOffsets() {
    return referenceFieldOffsets;
  }

  /** The field slot of each entry of {@link #referenceFieldOffsets()}. */
  public int[] referenceFieldSlots() {
    return referenceFieldSlots;
  }

  /** Bytes of an instance's values in the dump: the sum of its fields' encoded sizes. */
  public int valueBytes() {
    return valueBytes;
  }

  /** Estimated real size of one instance under the dump's {@link Layout}. */
  public long shallowInstanceSize() {
    return shallowInstanceSize;
  }

  /** True if this class is {@code other} or a subclass of it. */
  public boolean isSubclassOf(ClassInfo other) {
    for (ClassInfo c = this; c != null; c = c.superclass) {
      if (c == other) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name;
  }

  /** {@code java/util/HashMap$Node} → {@code java.util.HashMap$Node}; {@code [[I} → {@code int[][]}. */
  public static String javaName(String internal) {
    int dims = 0;
    while (dims < internal.length() && internal.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return internal.replace('/', '.');
    }
    String element = internal.substring(dims);
    String base;
    if (element.startsWith("L") && element.endsWith(";")) {
      base = element.substring(1, element.length() - 1).replace('/', '.');
    } else if (element.length() == 1) {
      base = switch (element.charAt(0)) {
        case 'Z' -> "boolean";
        case 'C' -> "char";
        case 'F' -> "float";
        case 'D' -> "double";
        case 'B' -> "byte";
        case 'S' -> "short";
        case 'I' -> "int";
        case 'J' -> "long";
        default -> element;
      };
    } else {
      base = element.replace('/', '.');
    }
    return base + "[]".repeat(dims);
  }
}
