package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import io.memdiff.hprof.work.Tasks;
import java.util.ArrayList;
import java.util.List;

/**
 * The first pass over a dump: one scan whose top-level records (names, classes' names, frames,
 * traces, threads) come here and whose heap records go to {@link HeapPart}s, one per thread the
 * scan is split over. What it gathers becomes the {@link DumpCatalog} and the {@link IndexSeed}.
 */
final class FirstPass implements HprofVisitor {
  /** Dumps at least this big have their heap records parsed on two threads. */
  static final long SPLIT_THRESHOLD = Long.getLong("memdiff.splitThreshold", 64L << 20);

  final HprofFile file;
  final Strings strings;
  final StackTraces stacks = new StackTraces();
  final Long2LongOpenHashMap classNameIds = new Long2LongOpenHashMap();
  /** Heap sub-records go here in a sequential scan; once the pass is over, every part is merged into it. */
  HeapPart heap;
  ScanResult scan;
  Roots roots;
  IndexSeed seed;

  private FirstPass(HprofFile file) {
    this.file = file;
    this.strings = new Strings(file.data());
  }

  /**
   * Scans the dump once.
   *
   * @param keepObjects keep each object's address, record offset and class for the index
   * @param splitThreshold parse heap records on every core from this file size on
   */
  static FirstPass run(HprofFile file, ScanOptions options, boolean keepObjects, long splitThreshold)
      throws HprofFormatException {
    FirstPass pass = new FirstPass(file);
    int threads = Tasks.cores();
    boolean wideOffsets = file.data().length() > 0xFFFF_FFFFL;
    List<HeapPart> parts = new ArrayList<>();
    long[] objectsPerPart = null;
    long[] firstObjectPerPart = null;
    if (!options.lenient() && threads > 1 && file.length() >= splitThreshold) {
      for (int i = 0; i < threads; i++) {
        parts.add(new HeapPart(keepObjects ? new ObjectRecords(wideOffsets) : null));
      }
      pass.heap = parts.get(0); // top-level records come first in the file, before any part's
      pass.scan = RecordScanner.scanInParts(file, pass, parts, options);
      objectsPerPart = new long[parts.size()];
      firstObjectPerPart = new long[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        HeapPart h = parts.get(i);
        objectsPerPart[i] = h.instances + h.objectArrays + h.primitiveArrays;
        firstObjectPerPart[i] = h.firstObject;
      }
    } else {
      pass.heap = new HeapPart(keepObjects ? new ObjectRecords(wideOffsets) : null);
      parts.add(pass.heap);
      pass.scan = RecordScanner.scan(file, pass, options);
    }
    ObjectRecords[] records = null;
    if (keepObjects) {
      records = new ObjectRecords[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        HeapPart h = parts.get(i);
        h.records.classIds = h.tally.classIds();
        records[i] = h.records;
      }
    }
    pass.heap = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      pass.heap.append(parts.get(i));
    }
    pass.applyThreads();
    pass.roots = pass.heap.roots.freeze();
    pass.seed = IndexSeed.of(pass.heap, objectsPerPart, firstObjectPerPart, records);
    return pass;
  }

  @Override
  public void utf8(long id, long textOffset, int byteLength) {
    strings.add(id, textOffset, byteLength);
  }

  @Override
  public void loadClass(int classSerial, long classId, int traceSerial, long nameId) {
    classNameIds.put(classId, nameId);
    stacks.addClassSerial(classSerial, classId);
  }

  @Override
  public void frame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {
    stacks.addFrame(frameId, methodNameId, signatureId, sourceFileId, classSerial, line);
  }

  @Override
  public void trace(int traceSerial, int threadSerial, long[] frameIds) {
    stacks.addTrace(traceSerial, threadSerial, frameIds);
  }

  @Override
  public void startThread(int threadSerial, long threadObjectId, int traceSerial, long nameId, long groupNameId,
      long parentGroupNameId) {
    stacks.addThread(threadSerial, threadObjectId, traceSerial);
  }

  @Override
  public void root(RootKind kind, long objectId, int threadSerial, int frameIndex) {
    heap.root(kind, objectId, threadSerial, frameIndex);
  }

  @Override
  public void threadObjectRoot(long threadObjectId, int threadSerial, int traceSerial) {
    heap.threadObjectRoot(threadObjectId, threadSerial, traceSerial);
  }

  @Override
  public void classDump(ClassDump classDump) {
    heap.classDump(classDump);
  }

  @Override
  public void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {
    heap.instance(recordOffset, objectId, traceSerial, classId, valuesOffset, valuesLength);
  }

  @Override
  public void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {
    heap.objectArray(recordOffset, objectId, traceSerial, arrayClassId, elementsOffset, length);
  }

  @Override
  public void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {
    heap.primitiveArray(recordOffset, objectId, traceSerial, type, elementsOffset, length);
  }

  /** Thread roots name threads' stacks; applied once every part is in, in file order. */
  private void applyThreads() {
    for (long[] t : heap.threads) {
      stacks.addThread((int) t[0], t[1], (int) t[2]);
    }
  }
}
