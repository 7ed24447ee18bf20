package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.util.ArrayList;
import java.util.List;

/**
 * What the first pass learns from the heap sub-records of one run of the file: per class and per
 * root, never per object, except each object's record when it is kept for the index.
 */
final class HeapPart implements HprofVisitor {
  final List<ClassDump> classDumps = new ArrayList<>();
  final Roots.Builder roots = new Roots.Builder();
  final List<long[]> threads = new ArrayList<>();
  final LayoutSamples layoutSamples = new LayoutSamples();
  final ShallowTally tally = new ShallowTally();
  long instances;
  long objectArrays;
  long primitiveArrays;
  /** Range of object addresses, and the low three bits that some (or) and all (and) have set. */
  long lowestAddress = Long.MAX_VALUE;
  long highestAddress = Long.MIN_VALUE;
  /** The first object's address, class mirrors aside; MAX_VALUE until there is one. */
  long firstObject = Long.MAX_VALUE;
  private boolean anyObject;
  int lowBitsOr;
  int lowBitsAnd = 7;
  /** Distinct stack trace serials of the object records; null once there are more than {@link #TRACES}. */
  IntOpenHashSet traceSerials = new IntOpenHashSet();
  int lastTraceSerial;
  static final int TRACES = 1 << 16;
  /** Where each object is and what class, for the index; null when not kept. */
  final ObjectRecords records;

  HeapPart(ObjectRecords records) {
    this.records = records;
  }

  private void trace(int serial) {
    if (traceSerials != null && (serial != lastTraceSerial || traceSerials.isEmpty())) {
      lastTraceSerial = serial;
      traceSerials.add(serial);
      if (traceSerials.size() > TRACES) {
        traceSerials = null;
      }
    }
  }

  /** An object other than a class mirror. */
  private void object(long address) {
    if (!anyObject) {
      anyObject = true;
      firstObject = address;
    }
    address(address);
  }

  private void address(long address) {
    lowestAddress = Math.min(lowestAddress, address);
    highestAddress = Math.max(highestAddress, address);
    lowBitsOr |= (int) address & 7;
    lowBitsAnd &= (int) address & 7;
  }

  @Override
  public void root(RootKind kind, long objectId, int threadSerial, int frameIndex) {
    roots.add(kind, objectId, threadSerial, frameIndex);
  }

  @Override
  public void threadObjectRoot(long threadObjectId, int threadSerial, int traceSerial) {
    // HotSpot writes no START THREAD: this root is where a thread's stack trace is named.
    roots.add(RootKind.THREAD_OBJECT, threadObjectId, threadSerial, -1);
    threads.add(new long[] {threadSerial, threadObjectId, traceSerial});
  }

  @Override
  public void classDump(ClassDump classDump) {
    classDumps.add(classDump);
    address(classDump.classId());
    layoutSamples.object(classDump.classId(), -1);
  }

  @Override
  public void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {
    instances++;
    object(objectId);
    trace(traceSerial);
    int slot = tally.instance(classId, valuesLength);
    layoutSamples.instance(objectId, tally, slot);
    if (records != null) {
      records.add(objectId, recordOffset, slot);
    }
  }

  @Override
  public void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {
    objectArrays++;
    object(objectId);
    trace(traceSerial);
    int slot = tally.objectArray(arrayClassId, length);
    layoutSamples.object(objectId, length);
    if (records != null) {
      records.add(objectId, recordOffset, slot);
    }
  }

  @Override
  public void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {
    primitiveArrays++;
    object(objectId);
    trace(traceSerial);
    tally.primitiveArray(type, length);
    layoutSamples.object(objectId, -1);
    if (records != null) {
      records.add(objectId, recordOffset, -1 - type);
    }
  }

  /** Appends a later part of the file. */
  void append(HeapPart later) {
    classDumps.addAll(later.classDumps);
    roots.addAll(later.roots);
    threads.addAll(later.threads);
    layoutSamples.merge(later.layoutSamples);
    tally.merge(later.tally);
    instances += later.instances;
    objectArrays += later.objectArrays;
    primitiveArrays += later.primitiveArrays;
    lowestAddress = Math.min(lowestAddress, later.lowestAddress);
    highestAddress = Math.max(highestAddress, later.highestAddress);
    lowBitsOr |= later.lowBitsOr;
    lowBitsAnd &= later.lowBitsAnd;
    if (traceSerials != null && later.traceSerials != null) {
      traceSerials.addAll(later.traceSerials);
      if (traceSerials.size() > TRACES) {
        traceSerials = null;
      }
    } else {
      traceSerials = null;
    }
  }
}
