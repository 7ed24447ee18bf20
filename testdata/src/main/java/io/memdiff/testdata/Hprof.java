package io.memdiff.testdata;

/**
 * The HPROF format's numbers: versions, top-level record tags, heap-dump sub-record tags and basic
 * types, named as the format names them, so fixtures and tests never spell a raw byte.
 */
public final class Hprof {
  /** Old agent; heap dumps only as one 0x0C record. */
  public static final String VERSION_1_0_1 = "JAVA PROFILE 1.0.1";
  /** Every HotSpot since JDK 6. */
  public static final String VERSION_1_0_2 = "JAVA PROFILE 1.0.2";
  /** Android ART, with 4-byte ids. */
  public static final String VERSION_1_0_3 = "JAVA PROFILE 1.0.3";

  /** Every top-level record starts with u1 tag, u4 time, u4 length: 9 bytes before the body. */
  public static final int RECORD_HEADER_SIZE = 9;

  // Top-level records.
  public static final int UTF8 = 0x01;
  public static final int LOAD_CLASS = 0x02;
  public static final int UNLOAD_CLASS = 0x03;
  public static final int FRAME = 0x04;
  public static final int TRACE = 0x05;
  public static final int ALLOC_SITES = 0x06;
  public static final int HEAP_SUMMARY = 0x07;
  public static final int START_THREAD = 0x0A;
  public static final int END_THREAD = 0x0B;
  public static final int HEAP_DUMP = 0x0C;
  public static final int CPU_SAMPLES = 0x0D;
  public static final int CONTROL_SETTINGS = 0x0E;
  public static final int HEAP_DUMP_SEGMENT = 0x1C;
  public static final int HEAP_DUMP_END = 0x2C;

  // Heap-dump sub-records: roots.
  public static final int ROOT_UNKNOWN = 0xFF;
  public static final int ROOT_JNI_GLOBAL = 0x01;
  public static final int ROOT_JNI_LOCAL = 0x02;
  public static final int ROOT_JAVA_FRAME = 0x03;
  public static final int ROOT_NATIVE_STACK = 0x04;
  public static final int ROOT_STICKY_CLASS = 0x05;
  public static final int ROOT_THREAD_BLOCK = 0x06;
  public static final int ROOT_MONITOR_USED = 0x07;
  public static final int ROOT_THREAD_OBJECT = 0x08;
  // Android roots.
  public static final int ROOT_INTERNED_STRING = 0x89;
  public static final int ROOT_FINALIZING = 0x8A;
  public static final int ROOT_DEBUGGER = 0x8B;
  public static final int ROOT_REFERENCE_CLEANUP = 0x8C;
  public static final int ROOT_VM_INTERNAL = 0x8D;
  public static final int ROOT_JNI_MONITOR = 0x8E;
  public static final int ROOT_UNREACHABLE = 0x90;

  // Heap-dump sub-records: objects.
  public static final int CLASS_DUMP = 0x20;
  public static final int INSTANCE_DUMP = 0x21;
  public static final int OBJECT_ARRAY_DUMP = 0x22;
  public static final int PRIMITIVE_ARRAY_DUMP = 0x23;
  /** Android: a primitive array's id, length and type without its elements. */
  public static final int PRIMITIVE_ARRAY_NODATA = 0xC3;
  /** Android: not a root; names the heap ('A' app, 'Z' zygote, 'I' image) of the records that follow. */
  public static final int HEAP_DUMP_INFO = 0xFE;

  // Basic types, as field descriptors and primitive arrays name them.
  public static final int OBJECT = 2;
  public static final int BOOLEAN = 4;
  public static final int CHAR = 5;
  public static final int FLOAT = 6;
  public static final int DOUBLE = 7;
  public static final int BYTE = 8;
  public static final int SHORT = 9;
  public static final int INT = 10;
  public static final int LONG = 11;

  // Android heap ids for HEAP DUMP INFO.
  public static final int HEAP_APP = 'A';
  public static final int HEAP_ZYGOTE = 'Z';
  public static final int HEAP_IMAGE = 'I';

  private Hprof() {}

  /** Bytes one value of {@code basicType} takes; an object reference takes the id size. */
  public static int sizeOf(int basicType, int idSize) {
    return switch (basicType) {
      case OBJECT -> idSize;
      case BOOLEAN, BYTE -> 1;
      case CHAR, SHORT -> 2;
      case FLOAT, INT -> 4;
      case DOUBLE, LONG -> 8;
      default -> throw new IllegalArgumentException("not a basic type: " + basicType);
    };
  }
}
