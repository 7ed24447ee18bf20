package io.memdiff.paths;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.InstanceFields;
import io.memdiff.hprof.RootKind;
import io.memdiff.hprof.Roots;
import io.memdiff.hprof.RubyDump;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Names the steps of a shortest path: roots as {@code static com.acme.Registry.SESSIONS},
 * {@code thread "worker-1" local in com.acme.Worker.run(Worker.java:42)}, {@code JNI global},
 * {@code sticky class java.lang.System}; references as {@code Owner.field} or {@code []}.
 */
public final class PathDescriber {
  private final Reachability reach;
  private final HeapIndex index;
  private final DumpCatalog catalog;
  private final InstanceFields fields;
  /** What a Ruby dump adds to its records (class objects' names, root names); null for HPROF. */
  private final RubyDump ruby;

  public PathDescriber(Reachability reach) {
    this.reach = reach;
    this.index = reach.graph().index();
    this.catalog = index.catalog();
    this.fields = new InstanceFields(index);
    this.ruby = catalog.file().ruby();
  }

  /** The unfolded steps from a root to {@code object}; empty when no root reaches it. */
  public List<Step> steps(int object, boolean withIndexes) {
    int[] path = reach.pathTo(object);
    List<Step> steps = new ArrayList<>(path.length);
    for (int i = 0; i < path.length; i++) {
      int o = path[i];
      String edge;
      if (i == 0) {
        edge = describeRoot(o);
      } else {
        edge = describeEdge(path[i - 1], o, withIndexes);
        if (i == 1 && reach.rootRecord(path[0]) == RootRecord.CLASS && edge.startsWith("static ")) {
          steps.remove(0); // "class C" then "static C.f" reads better as just "static C.f"
        } else if (i == 1 && reach.rootRecord(path[0]) == RootRecord.CLASS && ruby != null) {
          // A Ruby class names no constant or variable: what it holds is held by "module Registry".
          edge = steps.remove(0).edge();
        }
      }
      steps.add(new Step(edge, o, className(o)));
    }
    return steps;
  }

  /** The object's class; for a Ruby class or module, with its own name ({@code Class Registry}). */
  public String className(int object) {
    String name = index.classOf(object).name();
    String own = ruby == null ? null : ruby.classObjectName(index.address(object));
    return own == null ? name : name + " " + own;
  }

  /** How {@code parent} references {@code child}: {@code Owner.field}, {@code []}, {@code static C.f}. */
  public String describeEdge(int parent, int child, boolean withIndexes) {
    int label = labelBetween(parent, child, withIndexes);
    return describeLabel(parent, label, withIndexes);
  }

  /** The label of the first reference from {@code parent} to {@code child}. */
  public int labelBetween(int parent, int child, boolean exactIndex) {
    int label = index.labelOfReference(parent, index.address(child), exactIndex);
    // −1 is "none"; a class's implicit edges (super, loader, signers, domain) are negative labels.
    return label == -1 ? EdgeLabel.of(EdgeLabel.FIELD, 0) : label;
  }

  public String describeLabel(int parent, int label, boolean withIndexes) {
    int value = EdgeLabel.value(label);
    switch (EdgeLabel.kind(label)) {
      case EdgeLabel.FIELD: {
        ClassInfo c = index.classOf(parent);
        String field = value < c.fieldCount() ? catalog.strings().getOrPlaceholder(c.fieldNameId(value)) : "?";
        return declaringClass(c, value).name() + "." + field;
      }
      case EdgeLabel.ELEMENT:
        return withIndexes ? "[" + value + "]" : "[]";
      case EdgeLabel.STATIC: {
        ClassInfo c = index.classDescribedBy(parent);
        if (c == null || c.dump() == null) {
          return "static ?";
        }
        return "static " + c.name() + "." + catalog.strings().getOrPlaceholder(c.dump().staticNameIds()[value]);
      }
      case EdgeLabel.CLASS_OF:
        return "<class>";
      case EdgeLabel.SUPERCLASS:
        return "<superclass>";
      case EdgeLabel.LOADER:
        return "<classloader>";
      case EdgeLabel.SIGNERS:
        return "<signers>";
      default:
        return "<protection domain>";
    }
  }

  /** The class in the hierarchy that declares field {@code slot} (own fields first, then super's). */
  private static ClassInfo declaringClass(ClassInfo c, int slot) {
    int offset = 0;
    for (ClassInfo k = c; k != null; k = k.superclass()) {
      int own = k.dump() == null ? 0 : k.dump().instanceFieldTypes().length;
      if (slot < offset + own) {
        return k;
      }
      offset += own;
    }
    return c;
  }

  /** A root object's description, e.g. {@code thread "worker-1" local in C.m(F.java:42)}. */
  public String describeRoot(int object) {
    int record = reach.rootRecord(object);
    if (record == RootRecord.CLASS) {
      if (ruby != null) {
        return rubyClassRoot(object);
      }
      ClassInfo c = index.classDescribedBy(object);
      return "class " + (c == null ? "?" : c.name());
    }
    if (record == RootRecord.THREAD) {
      String started = catalog.stacks().describeTraceFrame(index.traceSerial(object), 0, catalog.strings(),
          id -> nameOfClassId(id));
      return started == null ? "thread" : "thread started at " + started;
    }
    if (record < 0) {
      return "?";
    }
    Roots roots = catalog.roots();
    RootKind kind = roots.kind(record);
    int thread = roots.threadSerial(record);
    switch (kind) {
      case JAVA_FRAME:
      case JNI_LOCAL: {
        String frame = catalog.stacks().describeThreadFrame(thread, roots.frameIndex(record), catalog.strings(),
            id -> nameOfClassId(id));
        String who = threadName(thread);
        String local = kind == RootKind.JNI_LOCAL ? " JNI local" : " local";
        return who + local + (frame != null ? " in " + frame : "");
      }
      case THREAD_OBJECT:
        return threadName(thread);
      case STICKY_CLASS: {
        ClassInfo c = index.classDescribedBy(object);
        return "sticky class " + (c == null ? index.classOf(object).name() : c.name());
      }
      case NATIVE_STACK:
      case THREAD_BLOCK:
        return threadName(thread) + " " + kind.label();
      default: {
        String named = ruby == null ? null : ruby.rootName(record);
        return named != null ? "root " + named : kind.label();
      }
    }
  }

  /**
   * A Ruby class or module as a root, {@code class Lru} or {@code module Registry}: also the first
   * step of what it holds (see {@link #steps}).
   */
  static String rubyClassRoot(String classOfClassObject, String ownName) {
    return classOfClassObject.toLowerCase(Locale.ROOT) + " " + ownName;
  }

  private String rubyClassRoot(int object) {
    return rubyClassRoot(index.classOf(object).name(), ruby.classObjectName(index.address(object)));
  }

  private String nameOfClassId(long id) {
    ClassInfo c = catalog.classById(id);
    return c == null ? "<unknown class 0x" + Long.toHexString(id) + ">" : c.name();
  }

  /** {@code thread "worker-1"}, from the Thread object's {@code name} field. */
  public String threadName(int threadSerial) {
    long id = catalog.stacks().threadObject(threadSerial);
    int thread = id == 0 ? -1 : index.indexOf(id);
    String name = thread < 0 ? null : fields.string(fields.reference(thread, "name"));
    if (name == null) {
      return "thread #" + threadSerial;
    }
    return "thread \"" + name.replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
