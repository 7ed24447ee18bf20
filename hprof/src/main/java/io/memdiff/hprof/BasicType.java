package io.memdiff.hprof;

/** HPROF basic types (the {@code u1 type} of fields, statics and primitive arrays). */
public final class BasicType {
  public static final int OBJECT = 2;
  public static final int BOOLEAN = 4;
  public static final int CHAR = 5;
  public static final int FLOAT = 6;
  public static final int DOUBLE = 7;
  public static final int BYTE = 8;
  public static final int SHORT = 9;
  public static final int INT = 10;
  public static final int LONG = 11;

  private static final int[] SIZES = {-1, -1, 0, -1, 1, 2, 4, 8, 1, 2, 4, 8};
  private static final String[] NAMES = {
    null, null, "Object", null, "boolean", "char", "float", "double", "byte", "short", "int", "long"
  };
  private static final String[] DESCRIPTORS = {
    null, null, "L", null, "Z", "C", "F", "D", "B", "S", "I", "J"
  };

  private BasicType() {}

  public static boolean isValid(int type) {
    return type >= 0 && type < SIZES.length && SIZES[type] >= 0;
  }

  public static boolean isPrimitive(int type) {
    return isValid(type) && type != OBJECT;
  }

  /** Size in the dump's value encoding; an object reference is {@code idSize} bytes. */
  public static int size(int type, int idSize) {
    return type == OBJECT ? idSize : SIZES[type];
  }

  /** Java source name of a primitive type ({@code int}), or {@code Object}. */
  public static String name(int type) {
    return NAMES[type];
  }

  /** JVM descriptor letter ({@code I} for int). */
  public static String descriptor(int type) {
    return DESCRIPTORS[type];
  }
}
