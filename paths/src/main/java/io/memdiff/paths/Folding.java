package io.memdiff.paths;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Folds JDK collection internals out of a path, as a reader thinks of them:
 * {@code HashMap.table → [] → HashMap$Node.next → HashMap$Node.value} becomes {@code HashMap{values}},
 * {@code Thread.threadLocals → … → ThreadLocalMap$Entry.value} becomes {@code ThreadLocal{value}}, and
 * repeated links of one field ({@code next next next}) become {@code next*}; in a Ruby dump, a
 * Hash's and an Array's references become {@code Hash{entries}} and {@code Array{elements}}.
 */
public final class Folding {
  /**
   * A rule: when a step's source is (a subclass of) {@code base} and the following steps' field names
   * match {@code tokens} ({@code x*} = any number of {@code x}, {@code a|b*} = any number of either),
   * they fold into one step named by the source's JDK class and {@code suffix}. The tokens are parsed
   * once, here: {@code names[t]} the field names token {@code t} accepts, {@code repeat[t]} its star.
   */
  private record Rule(String base, String[][] names, boolean[] repeat, String suffix, String fixedLabel) {
    Rule(String base, String tokens, String suffix) {
      this(base, tokens.split(" "), suffix, null);
    }

    Rule(String base, String[] tokens, String suffix, String fixedLabel) {
      this(base, new String[tokens.length][], new boolean[tokens.length], suffix, fixedLabel);
      for (int t = 0; t < tokens.length; t++) {
        repeat[t] = tokens[t].endsWith("*");
        names[t] = (repeat[t] ? tokens[t].substring(0, tokens[t].length() - 1) : tokens[t]).split("\\|");
      }
    }
  }

  private static final List<Rule> RULES = List.of(
      new Rule("java.lang.Thread", "threadLocals table [] value".split(" "), "", "ThreadLocal{value}"),
      new Rule("java.lang.Thread", "inheritableThreadLocals table [] value".split(" "), "", "InheritableThreadLocal{value}"),
      new Rule("java.util.HashSet", "map table [] next* key", "{elements}"),
      new Rule("java.util.concurrent.CopyOnWriteArraySet", "al array []", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentHashMap", "table []|{owned} next|{owned}* val", "{values}"),
      new Rule("java.util.concurrent.ConcurrentHashMap", "table []|{owned} next|{owned}* key", "{keys}"),
      new Rule("java.util.concurrent.ConcurrentHashMap", "table []|{owned} next|{owned}*", "{entries}"),
      // A linked map's entries are held by its table and by their neighbours: their owner is the map.
      new Rule("java.util.LinkedHashMap", "{owned} value", "{values}"),
      new Rule("java.util.LinkedHashMap", "{owned} key", "{keys}"),
      new Rule("java.util.LinkedHashMap", "{owned}", "{entries}"),
      new Rule("java.util.LinkedHashMap", "head after* value", "{values}"),
      new Rule("java.util.LinkedHashMap", "head after* key", "{keys}"),
      new Rule("java.util.LinkedHashMap", "tail before* value", "{values}"),
      new Rule("java.util.LinkedHashMap", "tail before* key", "{keys}"),
      new Rule("java.util.LinkedHashMap", "head after*", "{entries}"),
      new Rule("java.util.LinkedHashMap", "tail before*", "{entries}"),
      new Rule("java.util.HashMap", "table []|{owned} next|{owned}* value", "{values}"),
      new Rule("java.util.HashMap", "table []|{owned} next|{owned}* key", "{keys}"),
      new Rule("java.util.HashMap", "table []|{owned} next|{owned}*", "{entries}"),
      new Rule("java.util.Hashtable", "table [] next* value", "{values}"),
      new Rule("java.util.Hashtable", "table [] next* key", "{keys}"),
      new Rule("java.util.WeakHashMap", "table [] next* value", "{values}"),
      new Rule("java.util.TreeMap", "root left|right* value", "{values}"),
      new Rule("java.util.TreeMap", "root left|right* key", "{keys}"),
      new Rule("java.util.ArrayList", "elementData []", "{elements}"),
      new Rule("java.util.Vector", "elementData []", "{elements}"),
      new Rule("java.util.concurrent.CopyOnWriteArrayList", "array []", "{elements}"),
      new Rule("java.util.ArrayDeque", "elements []", "{elements}"),
      new Rule("java.util.LinkedList", "{owned} item", "{elements}"),
      new Rule("java.util.LinkedList", "first next* item", "{elements}"),
      new Rule("java.util.LinkedList", "last prev* item", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentLinkedQueue", "head next* item", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentLinkedDeque", "{owned} item", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentLinkedDeque", "head next* item", "{elements}"),
      new Rule("java.util.concurrent.LinkedBlockingDeque", "{owned} item", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentSkipListMap", "{owned} val", "{values}"),
      new Rule("java.util.concurrent.ConcurrentSkipListMap", "{owned} key", "{keys}"),
      new Rule("java.util.concurrent.LinkedBlockingQueue", "head next* item", "{elements}"),
      new Rule("java.util.concurrent.ConcurrentSkipListMap", "head node|next|right|down* val", "{values}"),
      new Rule("java.util.PriorityQueue", "queue []", "{elements}"));

  /**
   * A Ruby dump's collections: its references name no field, so a Hash's key or value is one step,
   * {@code Hash{entries}}, and an Array's element {@code Array{elements}}.
   */
  private static final Map<String, String> RUBY_COLLECTIONS = Map.of("Hash", "Hash{entries}", "Array",
      "Array{elements}");

  private static final int[] NO_RULES = new int[0];

  private final DumpCatalog catalog;
  private final HeapIndex index;
  private final ClassInfo[] bases;
  private final boolean ruby;
  /**
   * Per class index, the rules whose base the class is or extends, found when first asked: a path's
   * step then costs a look-up, not a subclass test per rule (fold runs for each of a dump's routes,
   * and its loop over the rules made it hot enough for C2, whose compilations took a core from the
   * analysis).
   */
  private final int[][] rulesOfClass;

  public Folding(DumpCatalog catalog, HeapIndex index) {
    this.catalog = catalog;
    this.index = index;
    this.ruby = catalog.file().ruby() != null;
    this.rulesOfClass = new int[catalog.classCount()][];
    this.bases = new ClassInfo[RULES.size()];
    for (int r = 0; r < RULES.size(); r++) {
      for (int i = 0; i < catalog.classCount(); i++) {
        ClassInfo c = catalog.classAt(i);
        if (c.name().equals(RULES.get(r).base()) && !c.isSynthetic()) {
          bases[r] = c;
          break;
        }
      }
    }
  }

  public List<Step> fold(List<Step> steps) {
    // Called for every route of a dump: each step's field name is taken once, not once per rule.
    String[] fields = new String[steps.size()];
    for (int s = 0; s < fields.length; s++) {
      fields[s] = fieldName(steps.get(s).edge());
    }
    List<Step> out = new ArrayList<>(steps.size());
    int i = 0;
    while (i < steps.size()) {
      int end = -1;
      Rule rule = null;
      int source = -1;
      if (i > 0) {
        source = index.classIndexOf(steps.get(i - 1).object());
        int[] rules = rulesOf(source);
        for (int k = 0; k < rules.length && end < 0; k++) {
          rule = RULES.get(rules[k]);
          end = match(rule, fields, i);
        }
      }
      if (end < 0 && i > 0 && ruby && fields[i].equals("[]")) {
        String folded = RUBY_COLLECTIONS.get(catalog.classAt(source).name());
        if (folded != null) {
          Step s = steps.get(i);
          out.add(new Step(folded + (s.edge().endsWith("*") ? "*" : ""), s.object(), s.className()));
          i++;
          continue;
        }
      }
      if (end > 0) {
        Step last = steps.get(end - 1);
        String label = rule.fixedLabel() != null ? rule.fixedLabel() : jdkName(catalog.classAt(source)) + rule.suffix();
        out.add(new Step(label, last.object(), last.className()));
        i = end;
      } else {
        out.add(steps.get(i));
        i++;
      }
    }
    return foldRepeats(out, ruby);
  }

  private int[] rulesOf(int classIndex) {
    int[] rules = rulesOfClass[classIndex];
    if (rules == null) {
      ClassInfo c = catalog.classAt(classIndex);
      int[] found = new int[RULES.size()];
      int count = 0;
      for (int r = 0; r < RULES.size(); r++) {
        if (bases[r] != null && c.isSubclassOf(bases[r])) {
          found[count++] = r;
        }
      }
      rules = count == 0 ? NO_RULES : Arrays.copyOf(found, count);
      rulesOfClass[classIndex] = rules;
    }
    return rules;
  }

  /** Field names {@code [from, end)} match the rule's tokens in full; returns end, or −1. */
  private static int match(Rule rule, String[] fields, int from) {
    int s = from;
    for (int t = 0; t < rule.names().length; t++) {
      String[] names = rule.names()[t];
      if (rule.repeat()[t]) {
        while (s < fields.length && matchesAny(names, fields[s])) {
          s++;
        }
      } else {
        if (s >= fields.length || !matchesAny(names, fields[s])) {
          return -1;
        }
        s++;
      }
    }
    return s;
  }

  private static boolean matchesAny(String[] names, String field) {
    for (String n : names) {
      if (n.equals(field)) {
        return true;
      }
    }
    return false;
  }

  /** {@code java.util.HashMap$Node.next} → {@code next}; {@code [3]} → {@code []}. */
  static String fieldName(String edge) {
    if (edge.endsWith("*")) {
      edge = edge.substring(0, edge.length() - 1);
    }
    if (edge.startsWith("[")) {
      return "[]";
    }
    if (edge.startsWith("static ") || edge.startsWith("<")) {
      return edge;
    }
    int dot = edge.lastIndexOf('.');
    return dot < 0 ? edge : edge.substring(dot + 1);
  }

  /** The simple name of the nearest JDK class in the hierarchy: an LRU subclass of LinkedHashMap is a LinkedHashMap. */
  private static String jdkName(ClassInfo c) {
    for (ClassInfo k = c; k != null; k = k.superclass()) {
      if (k.name().startsWith("java.")) {
        String n = k.name();
        return n.substring(n.lastIndexOf('.') + 1);
      }
    }
    return c.name();
  }

  /**
   * {@code X.next → X.next → X.next} → one step {@code X.next*}. In a Ruby dump every reference is
   * {@code []}, so a link repeats only to objects of one class: a chain of {@code Node}s, not a path
   * through a thread, an array and a string.
   */
  private static List<Step> foldRepeats(List<Step> steps, boolean ruby) {
    List<Step> out = new ArrayList<>(steps.size());
    int i = 0;
    while (i < steps.size()) {
      Step s = steps.get(i);
      int j = i + 1;
      if (i > 0 && !s.edge().startsWith("static ")) {
        while (j < steps.size() && steps.get(j).edge().equals(s.edge())
            && (!ruby || steps.get(j).className().equals(s.className()))) {
          j++;
        }
      }
      if (j - i > 1) {
        Step last = steps.get(j - 1);
        out.add(new Step(s.edge() + "*", last.object(), last.className()));
      } else {
        out.add(s);
      }
      i = j;
    }
    return out;
  }
}
