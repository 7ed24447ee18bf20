package io.memdiff.hprof;

/** GC root kinds, with the heap-dump sub-record tag that introduces each. */
public enum RootKind {
  UNKNOWN(0xFF, "unknown root"),
  JNI_GLOBAL(0x01, "JNI global"),
  JNI_LOCAL(0x02, "JNI local"),
  JAVA_FRAME(0x03, "java frame"),
  NATIVE_STACK(0x04, "native stack"),
  STICKY_CLASS(0x05, "sticky class"),
  THREAD_BLOCK(0x06, "thread block"),
  MONITOR_USED(0x07, "monitor used"),
  THREAD_OBJECT(0x08, "thread object"),
  INTERNED_STRING(0x89, "interned string"),
  FINALIZING(0x8A, "finalizing"),
  DEBUGGER(0x8B, "debugger"),
  REFERENCE_CLEANUP(0x8C, "reference cleanup"),
  VM_INTERNAL(0x8D, "VM internal"),
  JNI_MONITOR(0x8E, "JNI monitor"),
  UNREACHABLE(0x90, "unreachable (Android)");

  private static final RootKind[] BY_TAG = new RootKind[256];

  static {
    for (RootKind k : values()) {
      BY_TAG[k.tag] = k;
    }
  }

  private final int tag;
  private final String label;

  RootKind(int tag, String label) {
    this.tag = tag;
    this.label = label;
  }

  public int tag() {
    return tag;
  }

  /** Human label used in paths, e.g. {@code JNI global}. */
  public String label() {
    return label;
  }

  /** The kind for a sub-record tag, or null when the tag is not a root. */
  public static RootKind forTag(int tag) {
    return BY_TAG[tag & 0xFF];
  }
}
