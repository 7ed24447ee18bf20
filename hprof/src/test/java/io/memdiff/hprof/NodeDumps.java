package io.memdiff.hprof;

import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.file.Path;

/** Hand-built dumps of instances of one class, Node, in two heap dump segments. */
final class NodeDumps {
  /** Node's class mirror. */
  static final long NODE = 0x100;

  private NodeDumps() {}

  /**
   * Class Node, and classes whose mirrors are at {@code mirrors} (their CLASS DUMPs first, as HotSpot
   * writes them), with Node instances at {@code first} in one segment and at {@code second} in another.
   */
  static Path write(Path file, long[] mirrors, long[] first, long[] second) throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.loadClass(1, NODE, 1, w.string("Node"));
    for (int i = 0; i < mirrors.length; i++) {
      w.loadClass(2 + i, mirrors[i], 1, w.string("C" + i));
    }
    HprofWriter.Bytes one = w.body().classDump(NODE, 0, 0, 0, new long[0][], new long[0][]);
    for (long m : mirrors) {
      one.classDump(m, 0, 0, 0, new long[0][], new long[0][]);
    }
    for (long a : first) {
      one.instance(a, 1, NODE, w.body());
    }
    HprofWriter.Bytes two = w.body();
    for (long a : second) {
      two.instance(a, 1, NODE, w.body());
    }
    w.segment(one);
    w.segment(two);
    w.heapDumpEnd();
    return w.writeTo(file);
  }
}
