package io.memdiff.hprof;

/** Record and sub-record tags of the HPROF format, with names for error messages. */
public final class Tags {
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

  public static final int CLASS_DUMP = 0x20;
  public static final int INSTANCE_DUMP = 0x21;
  public static final int OBJECT_ARRAY_DUMP = 0x22;
  public static final int PRIMITIVE_ARRAY_DUMP = 0x23;
  public static final int HEAP_DUMP_INFO = 0xFE;
  public static final int PRIMITIVE_ARRAY_NODATA = 0xC3;

  private Tags() {}

  public static boolean isKnownRecord(int tag) {
    switch (tag) {
      case UTF8, LOAD_CLASS, UNLOAD_CLASS, FRAME, TRACE, ALLOC_SITES, HEAP_SUMMARY, START_THREAD,
          END_THREAD, HEAP_DUMP, CPU_SAMPLES, CONTROL_SETTINGS, HEAP_DUMP_SEGMENT, HEAP_DUMP_END:
        return true;
      default:
        return false;
    }
  }

  /** {@code 0x1C (HEAP DUMP SEGMENT)}, for messages. */
  public static String describeRecord(int tag) {
    String name;
    switch (tag) {
      case UTF8: name = "UTF8"; break;
      case LOAD_CLASS: name = "LOAD CLASS"; break;
      case UNLOAD_CLASS: name = "UNLOAD CLASS"; break;
      case FRAME: name = "FRAME"; break;
      case TRACE: name = "TRACE"; break;
      case ALLOC_SITES: name = "ALLOC SITES"; break;
      case HEAP_SUMMARY: name = "HEAP SUMMARY"; break;
      case START_THREAD: name = "START THREAD"; break;
      case END_THREAD: name = "END THREAD"; break;
      case HEAP_DUMP: name = "HEAP DUMP"; break;
      case CPU_SAMPLES: name = "CPU SAMPLES"; break;
      case CONTROL_SETTINGS: name = "CONTROL SETTINGS"; break;
      case HEAP_DUMP_SEGMENT: name = "HEAP DUMP SEGMENT"; break;
      case HEAP_DUMP_END: name = "HEAP DUMP END"; break;
      default: name = "unknown";
    }
    return String.format("record 0x%02X (%s)", tag, name);
  }

  /** {@code 0x21 (INSTANCE DUMP)}, for messages. */
  public static String describeSubRecord(int tag) {
    String name;
    RootKind root = RootKind.forTag(tag);
    if (root != null) {
      name = "ROOT " + root.label();
    } else {
      switch (tag) {
        case CLASS_DUMP: name = "CLASS DUMP"; break;
        case INSTANCE_DUMP: name = "INSTANCE DUMP"; break;
        case OBJECT_ARRAY_DUMP: name = "OBJECT ARRAY DUMP"; break;
        case PRIMITIVE_ARRAY_DUMP: name = "PRIMITIVE ARRAY DUMP"; break;
        case HEAP_DUMP_INFO: name = "HEAP DUMP INFO"; break;
        case PRIMITIVE_ARRAY_NODATA: name = "PRIMITIVE ARRAY NODATA"; break;
        default: name = "unknown";
      }
    }
    return String.format("sub-record 0x%02X (%s)", tag, name);
  }
}
