package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Ruby heap dump records beyond the HPROF records it was written to: each object's
 * {@code memsize} (its shallow size, where an HPROF dump's is estimated from its layout), what each
 * root record is called ({@code vm}, {@code machine_context} …), and what a lenient read skipped.
 */
public final class RubyDump {
  /** What {@code version()} says of a Ruby dump, in place of an HPROF header's version. */
  public static final String FORMAT = "Ruby ObjectSpace.dump_all";

  /**
   * The class memdiff gives the object in which {@code ObjectSpace.trace_object_allocations_start}
   * keeps a record of every traced object that lives: it grows with whatever the program keeps, leak
   * or not, and is the price of the dump's allocation sites, never the program's own memory.
   */
  public static final String ALLOCATION_TRACING = "(allocation tracing)";

  private final RubyAddresses addresses;
  private final long[] memsizes;
  private final boolean linesInAddressOrder;
  private final Long2LongOpenHashMap memsizeByClassId;
  private final String[] rootNames;
  private final Long2ObjectOpenHashMap<String> classObjectNames;
  private final long skippedLines;
  private final long danglingReferences;
  private final Problem firstProblem;

  /** The first line that could not be read, or a reference no line describes. */
  record Problem(long line, long streamOffset, String message) {}

  /**
   * @param memsizes in the order of {@code addresses}
   * @param linesInAddressOrder whether the object lines came in ascending address order
   */
  RubyDump(RubyAddresses addresses, long[] memsizes, boolean linesInAddressOrder, Long2LongOpenHashMap memsizeByClassId, String[] rootNames,
      Long2ObjectOpenHashMap<String> classObjectNames, long skippedLines, long danglingReferences, Problem firstProblem) {
    this.addresses = addresses;
    this.memsizes = memsizes;
    this.linesInAddressOrder = linesInAddressOrder;
    this.memsizeByClassId = memsizeByClassId;
    this.rootNames = rootNames;
    this.classObjectNames = classObjectNames;
    this.skippedLines = skippedLines;
    this.danglingReferences = danglingReferences;
    this.firstProblem = firstProblem;
  }

  /** The memsize the dump gives the object at this address, or 0 when it describes none there. */
  public long memsizeAt(long address) {
    int i = addresses.indexOf(address);
    return i < 0 ? 0 : memsizes[i];
  }

  /** Whether the dump's object lines came in ascending address order (its records are written in that order). */
  boolean linesInAddressOrder() {
    return linesInAddressOrder;
  }

  /** The memsize of every object of one class (by its class id in the HPROF records). */
  long memsizeOfClass(long classId) {
    return memsizeByClassId.get(classId);
  }

  /**
   * The name of the Ruby class or module whose own object is at this address ({@code Registry}, or
   * {@code (anonymous class)}, never an address), or null for other objects.
   */
  public String classObjectName(long address) {
    return classObjectNames.get(address);
  }

  /**
   * The addresses of the classes and modules that have a name of their own ({@code Registry},
   * {@code Net::HTTP}), not singleton or anonymous ones nor those under an anonymous class (whose
   * name shows an address), in no particular order. A named class is a constant of {@code Object}
   * or of another named class, so it lives as long as the program, as a JVM class does.
   */
  public long[] namedClassObjects() {
    LongArrayList out = new LongArrayList();
    for (Long2ObjectOpenHashMap.Entry<String> e : classObjectNames.long2ObjectEntrySet()) {
      String name = e.getValue();
      if (!name.startsWith("(") && !name.contains("#<")) {
        out.add(e.getLongKey());
      }
    }
    return out.toLongArray();
  }

  /** What the dump calls root record {@code record} ({@code vm}, {@code global_tbl} …). */
  public String rootName(int record) {
    return record >= 0 && record < rootNames.length ? rootNames[record] : null;
  }

  /** Lines a lenient read skipped. */
  public long skippedLines() {
    return skippedLines;
  }

  /** References to addresses that no line of the dump describes (dropped from the graph). */
  public long danglingReferences() {
    return danglingReferences;
  }

  /** Fails on the first unreadable line or unknown reference, naming its line: unless the read is lenient. */
  void requireWhole(Path file) throws HprofFormatException {
    if (firstProblem != null) {
      throw new HprofFormatException(file, firstProblem.streamOffset(),
          "line " + firstProblem.line() + ": " + firstProblem.message()
              + (skippedLines + danglingReferences > 1 ? " (and more; --lenient skips them)" : " (--lenient skips it)"));
    }
  }

  /** What a lenient read left out, one sentence each. */
  public List<String> losses() {
    List<String> out = new ArrayList<>();
    if (skippedLines > 0) {
      out.add("skipped " + skippedLines + " unreadable line(s), the first at line " + firstProblem.line() + ": "
          + firstProblem.message());
    }
    if (danglingReferences > 0) {
      out.add("dropped " + danglingReferences + " reference(s) to addresses no line describes");
    }
    return out;
  }
}
