package io.memdiff.testdata.scenarios;

import java.nio.file.Path;

/**
 * One live dump ({@link #DUMP_FILE}) holding exact numbers of instances of its own classes, all from
 * static fields: {@link #WIDGETS} {@code $Widget} in one {@code Widget[WIDGETS]}, {@link #GADGETS}
 * {@code $Gadget} (each with its own {@code int[GADGET_INTS]}) in one {@code Gadget[GADGETS]}, and a
 * chain of {@link #NODES} {@code $Node} linked by {@code next} from {@code KnownCounts.nodes}.
 * Argument: output directory.
 */
public final class KnownCounts {
  public static final String DUMP_FILE = "known-counts.hprof";
  public static final int WIDGETS = 1234;
  public static final int GADGETS = 567;
  public static final int GADGET_INTS = 16;
  public static final int NODES = 100;

  public static final class Widget {
    final int id;

    Widget(int id) {
      this.id = id;
    }
  }

  public static final class Gadget {
    final int[] values = new int[GADGET_INTS];
  }

  public static final class Node {
    Node next;
  }

  static final Widget[] WIDGET_ARRAY = new Widget[WIDGETS];
  static final Gadget[] GADGET_ARRAY = new Gadget[GADGETS];
  static Node nodes;

  private KnownCounts() {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < WIDGETS; i++) {
      WIDGET_ARRAY[i] = new Widget(i);
    }
    for (int i = 0; i < GADGETS; i++) {
      GADGET_ARRAY[i] = new Gadget();
    }
    for (int i = 0; i < NODES; i++) {
      Node n = new Node();
      n.next = nodes;
      nodes = n;
    }
    Dumps.dump(Path.of(args[0]), DUMP_FILE);
  }
}
