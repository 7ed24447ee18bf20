package io.memdiff.paths;

import java.util.List;

/**
 * One object as {@code memdiff show} presents it. Values ({@link Ref#value}) are filled only when
 * the caller asked for them: dumps hold secrets.
 *
 * @param className the object's class; for a class mirror, {@code java.lang.Class (NAME)}
 * @param kind class, instance, object array or primitive array
 * @param length an array's length, else -1
 * @param fieldCount every field's or reference's, although {@code fields} may hold fewer
 * @param referrerCount every referrer's, although {@code referrers} may hold fewer
 * @param path the shortest path from a GC root, with array indexes
 */
public record ObjectReport(long address, String className, String kind, int length, long shallowBytes,
    long retainedBytes, String reachability, List<Ref> fields, long fieldCount, long referrerCount, List<Ref> referrers,
    List<RouteReport.RouteStep> path) {

  /**
   * A reference or field of the object, or a referrer of it.
   *
   * @param field the field's name, or how the referrer holds the object
   * @param type {@code Object} or the primitive type's name; null for a referrer
   * @param target the referenced (or referring) object's address, 0 for a null reference, null for a primitive
   * @param targetClass that object's class, null when it is not in the dump
   * @param value the value, only when asked for
   */
  public record Ref(String field, String type, Long target, String targetClass, String value) {}
}
