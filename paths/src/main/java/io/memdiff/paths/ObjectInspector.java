package io.memdiff.paths;

import io.memdiff.hprof.BasicType;
import io.memdiff.hprof.ClassDump;
import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.InstanceFields;
import java.util.ArrayList;
import java.util.List;

/** One object, its references, referrers and shortest path: sheap's {@code at} and {@code inverse_references}. */
public final class ObjectInspector {
  private ObjectInspector() {}

  /**
   * @param limit at most this many references and referrers
   * @param withValues primitive values and string contents too (they may be secrets)
   */
  public static ObjectReport inspect(HeapAnalysis a, int o, int limit, boolean withValues) {
    HeapIndex index = a.index();
    long addr = index.address(o);
    Dominators dom = a.dominators();
    PathDescriber describer = new PathDescriber(a.reachability());
    long[] fieldCount = {0};
    List<ObjectReport.Ref> fields = outbound(index, describer, o, limit, withValues, fieldCount);
    List<ObjectReport.Ref> referrers = new ArrayList<>();
    long[] referrerCount = {0};
    for (int src = 0; src < index.objectCount(); src++) {
      int from = src;
      index.forEachReference(src, (label, target) -> {
        if (target == addr) {
          if (referrers.size() < limit) {
            referrers.add(new ObjectReport.Ref(describer.describeLabel(from, label, true), null, index.address(from),
                index.classOf(from).name(), null));
          }
          referrerCount[0]++;
        }
      });
    }
    List<Step> steps = describer.steps(o, true);
    int[] retainedOf = new int[steps.size() + 1];
    for (int k = 0; k < steps.size(); k++) {
      retainedOf[k] = steps.get(k).object();
    }
    retainedOf[steps.size()] = o;
    long[] retained = dom.retained(retainedOf);
    List<RouteReport.RouteStep> path = new ArrayList<>();
    for (int k = 0; k < steps.size(); k++) {
      Step s = steps.get(k);
      path.add(new RouteReport.RouteStep(s.edge(), s.className(), index.address(s.object()), dom.shallow(s.object()),
          retained[k]));
    }
    String kind = switch (index.kind(o)) {
      case CLASS -> "class";
      case INSTANCE -> "instance";
      case OBJECT_ARRAY -> "object array";
      case PRIMITIVE_ARRAY -> "primitive array";
    };
    ClassInfo described = index.classDescribedBy(o);
    String className = described != null ? "java.lang.Class (" + described.name() + ")" : index.classOf(o).name();
    return new ObjectReport(addr, className, kind, index.arrayLength(o), dom.shallow(o), retained[steps.size()],
        Reachability.labelName(a.reachability().label(o)), fields, fieldCount[0], referrerCount[0], referrers, path);
  }

  /**
   * An instance's fields, an object array's elements, a class's references and primitive statics,
   * or with values a primitive array's elements: at most {@code limit}, their number in {@code count}.
   */
  private static List<ObjectReport.Ref> outbound(HeapIndex index, PathDescriber describer, int o, int limit,
      boolean withValues, long[] count) {
    List<ObjectReport.Ref> refs = new ArrayList<>();
    InstanceFields values = new InstanceFields(index);
    DumpCatalog catalog = index.catalog();
    if (index.kind(o) == HeapIndex.KIND_INSTANCE) {
      ClassInfo c = index.classOf(o);
      count[0] = c.fieldCount();
      for (int slot = 0; slot < c.fieldCount() && refs.size() < limit; slot++) {
        String name = catalog.strings().getOrPlaceholder(c.fieldNameId(slot));
        int type = c.fieldType(slot);
        long raw = values.raw(o, slot);
        if (type == BasicType.OBJECT) {
          int t = raw == Long.MIN_VALUE || raw == 0 ? -1 : index.indexOf(raw);
          String value = withValues && t >= 0 ? values.string(t) : null;
          refs.add(new ObjectReport.Ref(name, "Object", raw, t < 0 ? null : index.classOf(t).name(), value));
        } else {
          refs.add(new ObjectReport.Ref(name, BasicType.name(type), null, null, withValues ? primitive(type, raw) : null));
        }
      }
      return refs;
    }
    if (index.kind(o) == HeapIndex.KIND_PRIMITIVE_ARRAY) {
      // One line: the elements, as many as the limit allows; only when asked, they may be secrets.
      int type = values.elementType(o);
      count[0] = withValues && type >= 0 ? 1 : 0;
      if (count[0] == 1 && limit > 0) {
        int length = index.arrayLength(o);
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < Math.min(length, limit); i++) {
          text.append(i == 0 ? "" : ", ").append(primitive(type, values.element(o, i)));
        }
        if (length > limit) {
          text.append(", … ").append(length - limit).append(" more");
        }
        refs.add(new ObjectReport.Ref("elements", BasicType.name(type), null, null, text.append(']').toString()));
      }
      return refs;
    }
    index.forEachReference(o, (label, target) -> {
      if (EdgeLabel.kind(label) != EdgeLabel.CLASS_OF) {
        count[0]++;
        if (refs.size() < limit) {
          int t = index.indexOf(target);
          String value = withValues && t >= 0 ? values.string(t) : null;
          refs.add(new ObjectReport.Ref(describer.describeLabel(o, label, true), "Object", target,
              t < 0 ? null : index.classOf(t).name(), value));
        }
      }
    });
    ClassInfo described = index.classDescribedBy(o);
    if (described != null && described.dump() != null) {
      ClassDump d = described.dump();
      for (int i = 0; i < d.staticTypes().length; i++) {
        int type = d.staticTypes()[i];
        if (type != BasicType.OBJECT) {
          count[0]++;
          if (refs.size() < limit) {
            String name = "static " + described.name() + "." + catalog.strings().getOrPlaceholder(d.staticNameIds()[i]);
            refs.add(new ObjectReport.Ref(name, BasicType.name(type), null, null,
                withValues ? primitive(type, d.staticValues()[i]) : null));
          }
        }
      }
    }
    return refs;
  }

  private static String primitive(int type, long raw) {
    return switch (type) {
      case BasicType.BOOLEAN -> Boolean.toString(raw != 0);
      case BasicType.CHAR -> "'" + (char) raw + "'";
      case BasicType.FLOAT -> Float.toString(Float.intBitsToFloat((int) raw));
      case BasicType.DOUBLE -> Double.toString(Double.longBitsToDouble(raw));
      default -> Long.toString(raw);
    };
  }
}
