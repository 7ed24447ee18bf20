package io.memdiff.hprof;

/**
 * Where the fields of the heap-dump sub-records that hold objects lie, as offsets from the
 * sub-record's tag byte for a dump's id size: the scanner that checks and decodes these records and
 * the index that reads single objects back share this one statement of their layouts. Each object
 * record starts with {@code u1 tag, id object, u4 stack-trace serial}; the methods are static, so
 * the per-record loops compile them to the arithmetic they replace.
 */
final class RecordLayout {
  /** The object's id, the first field of every object record. */
  static final long OBJECT_ID = 1;

  private RecordLayout() {}

  static long traceSerial(int idSize) {
    return 1L + idSize;
  }

  /** INSTANCE DUMP: {@code ..., id class, u4 valueBytes, values}. */
  static long instanceClassId(int idSize) {
    return idSize + 5L;
  }

  static long instanceValuesLength(int idSize) {
    return 2L * idSize + 5;
  }

  static long instanceValues(int idSize) {
    return 2L * idSize + 9;
  }

  /** OBJECT ARRAY, PRIMITIVE ARRAY and PRIMITIVE ARRAY NODATA: {@code ..., u4 length}, then their own fields. */
  static long arrayLength(int idSize) {
    return idSize + 5L;
  }

  /** OBJECT ARRAY DUMP: {@code ..., u4 length, id arrayClass, id × length}. */
  static long objectArrayClassId(int idSize) {
    return idSize + 9L;
  }

  static long objectArrayElements(int idSize) {
    return 2L * idSize + 9;
  }

  /** PRIMITIVE ARRAY DUMP: {@code ..., u4 length, u1 type, elements} (NODATA: no elements). */
  static long primitiveArrayType(int idSize) {
    return idSize + 9L;
  }

  static long primitiveArrayElements(int idSize) {
    return idSize + 10L;
  }

  /**
   * CLASS DUMP: {@code id class, u4 trace, id super, id loader, id signers, id protectionDomain,
   * id reserved × 2, u4 instanceSize}, then the constant pool, statics and instance fields.
   */
  static long classSuperId(int idSize) {
    return idSize + 5L;
  }

  static long classLoaderId(int idSize) {
    return 2L * idSize + 5;
  }

  static long classSignersId(int idSize) {
    return 3L * idSize + 5;
  }

  static long classProtectionDomainId(int idSize) {
    return 4L * idSize + 5;
  }

  static long classInstanceSize(int idSize) {
    return 7L * idSize + 5;
  }

  /** The constant pool's {@code u2} count, the first field after the fixed part. */
  static long classConstantPool(int idSize) {
    return 7L * idSize + 9;
  }
}
