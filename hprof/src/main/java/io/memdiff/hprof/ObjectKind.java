package io.memdiff.hprof;

/** What an object of the dump is, by the sub-record that holds it. */
public enum ObjectKind {
  /** A class's {@code java.lang.Class} mirror (CLASS DUMP). */
  CLASS,
  /** INSTANCE DUMP. */
  INSTANCE,
  /** OBJECT ARRAY DUMP. */
  OBJECT_ARRAY,
  /** PRIMITIVE ARRAY DUMP, or Android's PRIMITIVE ARRAY NODATA. */
  PRIMITIVE_ARRAY
}
