import java.io.File;
import org.gridkit.jvmtool.heapdump.HeapHistogram;
import org.netbeans.lib.profiler.heap.Heap;
import org.netbeans.lib.profiler.heap.HeapFactory;
import org.netbeans.lib.profiler.heap.Instance;

/**
 * The class histogram of a dump by an independent parser (gridkit's hprof-heap, from the NetBeans
 * profiler's), timed beside memdiff's by bench/run. Prints the total count and size.
 */
public class IndependentHisto {
  public static void main(String[] args) throws Exception {
    Heap heap = HeapFactory.createFastHeap(new File(args[0]));
    HeapHistogram histogram = new HeapHistogram();
    for (Instance i : heap.getAllInstances()) {
      histogram.accumulate(i);
    }
    System.out.println("objects " + histogram.getTotalCount() + " bytes " + histogram.getTotalSize());
  }
}
