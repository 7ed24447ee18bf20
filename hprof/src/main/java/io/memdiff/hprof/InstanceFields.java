package io.memdiff.hprof;

import java.nio.charset.StandardCharsets;

/**
 * Reads field values of single instances: what paths need to name threads ({@code Thread.name}) and
 * what {@code show --show-values} prints. Nothing here is called unless a value is wanted.
 */
public final class InstanceFields {
  private final HeapIndex index;
  private final MappedFile data;
  private final int idSize;

  public InstanceFields(HeapIndex index) {
    this.index = index;
    this.data = index.catalog().file().data();
    this.idSize = index.catalog().file().idSize();
  }

  /** The slot of the first field with this name in the object's class hierarchy (own first), or −1. */
  public int slotOf(int object, String fieldName) {
    ClassInfo c = index.classOf(object);
    Strings strings = index.catalog().strings();
    for (int s = 0; s < c.fieldCount(); s++) {
      if (fieldName.equals(strings.get(c.fieldNameId(s)))) {
        return s;
      }
    }
    return -1;
  }

  /**
   * A field's raw value: an id for references, the bits of a primitive; {@code Long.MIN_VALUE} when
   * the object is no instance, has no such field, or its record is too short.
   */
  public long raw(int object, int slot) {
    if (slot < 0 || index.kind(object) != ObjectKind.INSTANCE) {
      return Long.MIN_VALUE;
    }
    ClassInfo c = index.classOf(object);
    long rec = index.recordOffset(object);
    long values = rec + RecordLayout.instanceValues(idSize);
    long length = data.u4(rec + RecordLayout.instanceValuesLength(idSize));
    int type = c.fieldType(slot);
    int size = BasicType.size(type, idSize);
    int offset = c.fieldOffset(slot);
    if (offset + size > length) {
      return Long.MIN_VALUE;
    }
    long at = values + offset;
    return switch (type) {
      case BasicType.OBJECT -> data.id(at, idSize);
      case BasicType.BOOLEAN, BasicType.BYTE -> (byte) data.u1(at);
      case BasicType.CHAR -> data.u2(at);
      case BasicType.SHORT -> (short) data.u2(at);
      case BasicType.INT, BasicType.FLOAT -> data.i4(at);
      default -> data.i8(at);
    };
  }

  /** The object a reference field points at, or −1. */
  public int reference(int object, String fieldName) {
    int slot = slotOf(object, fieldName);
    if (slot < 0 || index.classOf(object).fieldType(slot) != BasicType.OBJECT) {
      return -1;
    }
    long id = raw(object, slot);
    return id == Long.MIN_VALUE || id == 0 ? -1 : index.indexOf(id);
  }

  /** A primitive array's element type ({@link BasicType}), or −1 when the object is no primitive array. */
  public int elementType(int object) {
    long rec = index.recordOffset(object);
    if (index.kind(object) != ObjectKind.PRIMITIVE_ARRAY || data.u1(rec) != Tags.PRIMITIVE_ARRAY_DUMP) {
      return -1;
    }
    return data.u1(rec + RecordLayout.primitiveArrayType(idSize));
  }

  /** Element {@code i} of a primitive array ({@link #elementType} ≥ 0, {@code i} below its length), as raw bits. */
  public long element(int object, int i) {
    long rec = index.recordOffset(object);
    int type = data.u1(rec + RecordLayout.primitiveArrayType(idSize));
    long at = rec + RecordLayout.primitiveArrayElements(idSize) + (long) i * BasicType.size(type, idSize);
    return switch (type) {
      case BasicType.BOOLEAN, BasicType.BYTE -> (byte) data.u1(at);
      case BasicType.CHAR -> data.u2(at);
      case BasicType.SHORT -> (short) data.u2(at);
      case BasicType.INT, BasicType.FLOAT -> data.i4(at);
      default -> data.i8(at);
    };
  }

  /**
   * The contents of a {@code java.lang.String}: JDK 9+ {@code byte[] value} with {@code coder} (UTF-16
   * in the byte order of the dumping machine, little-endian on x86-64 and AArch64), or JDK 8's
   * {@code char[]}. Null when the object is not a readable String.
   */
  public String string(int object) {
    if (object < 0 || !index.classOf(object).name().equals("java.lang.String")) {
      return null;
    }
    int value = reference(object, "value");
    if (value < 0) {
      return null;
    }
    long rec = index.recordOffset(value);
    if (data.u1(rec) != Tags.PRIMITIVE_ARRAY_DUMP) {
      return null;
    }
    int length = data.i4(rec + RecordLayout.arrayLength(idSize));
    int type = data.u1(rec + RecordLayout.primitiveArrayType(idSize));
    long elements = rec + RecordLayout.primitiveArrayElements(idSize);
    int capped = Math.min(length, 4096);
    if (type == BasicType.CHAR) {
      char[] chars = new char[capped];
      for (int i = 0; i < capped; i++) {
        chars[i] = (char) data.u2(elements + 2L * i);
      }
      return new String(chars);
    }
    if (type != BasicType.BYTE) {
      return null;
    }
    byte[] bytes = new byte[capped];
    data.get(elements, bytes, 0, capped);
    int coderSlot = slotOf(object, "coder");
    long coder = coderSlot < 0 ? 0 : raw(object, coderSlot);
    return new String(bytes, coder == 1 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
  }
}
