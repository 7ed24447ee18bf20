package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;

/**
 * FRAME, TRACE and thread records: which thread a frame-local root belongs to and where it stood, as
 * {@code com.acme.Worker.run(Worker.java:42)}.
 */
public final class StackTraces {
  private record Frame(long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {}

  private final Long2ObjectOpenHashMap<Frame> frames = new Long2ObjectOpenHashMap<>();
  private final Int2ObjectOpenHashMap<long[]> traces = new Int2ObjectOpenHashMap<>();
  private final Int2IntOpenHashMap traceThread = new Int2IntOpenHashMap();
  private final Int2LongOpenHashMap threadObjects = new Int2LongOpenHashMap();
  private final Int2IntOpenHashMap threadTraces = new Int2IntOpenHashMap();
  private final Int2LongOpenHashMap classSerials = new Int2LongOpenHashMap();
  /** The descriptions of frames without a class (allocation sites of Ruby objects) made so far. */
  private final Long2ObjectOpenHashMap<String> sites = new Long2ObjectOpenHashMap<>();

  StackTraces() {
    threadTraces.defaultReturnValue(-1);
    traceThread.defaultReturnValue(-1);
  }

  void addFrame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {
    frames.put(frameId, new Frame(methodNameId, signatureId, sourceFileId, classSerial, line));
  }

  void addTrace(int traceSerial, int threadSerial, long[] frameIds) {
    traces.put(traceSerial, frameIds);
    traceThread.put(traceSerial, threadSerial);
  }

  void addThread(int threadSerial, long threadObjectId, int traceSerial) {
    threadObjects.put(threadSerial, threadObjectId);
    threadTraces.put(threadSerial, traceSerial);
  }

  void addClassSerial(int classSerial, long classId) {
    classSerials.put(classSerial, classId);
  }

  public int traceCount() {
    return traces.size();
  }

  public int threadCount() {
    return threadObjects.size();
  }

  /** The Thread object of a thread serial, or 0. */
  public long threadObject(int threadSerial) {
    return threadObjects.get(threadSerial);
  }

  /** Frames of a trace serial (allocation trace), innermost first. */
  public int traceLength(int traceSerial) {
    long[] t = traces.get(traceSerial);
    return t == null ? 0 : t.length;
  }

  /**
   * Describes frame {@code frameIndex} (0 = innermost) of a thread as
   * {@code com.acme.Worker.run(Worker.java:42)}, or null when the dump has no such frame.
   */
  public String describeThreadFrame(int threadSerial, int frameIndex, Strings strings, ClassNames names) {
    long[] t = traces.get(threadTraces.get(threadSerial));
    if (t == null || frameIndex < 0 || frameIndex >= t.length) {
      return null;
    }
    return describeFrame(t[frameIndex], strings, names);
  }

  /** Frame {@code frameIndex} of a TRACE record, as above. */
  public String describeTraceFrame(int traceSerial, int frameIndex, Strings strings, ClassNames names) {
    long[] t = traces.get(traceSerial);
    if (t == null || frameIndex < 0 || frameIndex >= t.length) {
      return null;
    }
    return describeFrame(t[frameIndex], strings, names);
  }

  private String describeFrame(long frameId, Strings strings, ClassNames names) {
    Frame f = frames.get(frameId);
    if (f == null) {
      return "<unknown frame 0x" + Long.toHexString(frameId) + ">";
    }
    if (f.classSerial() == 0 && f.methodNameId() == 0 && f.sourceFileId() != 0 && f.line() > 0) {
      // A frame of a language without classes (a Ruby allocation site): heapy's file:line. Every
      // object's site is asked for, and a dump has few: each is made once.
      synchronized (sites) {
        String site = sites.get(frameId);
        if (site == null) {
          site = strings.getOrPlaceholder(f.sourceFileId()) + ":" + f.line();
          sites.put(frameId, site);
        }
        return site;
      }
    }
    String className = names.nameOfClassId(classSerials.get(f.classSerial()));
    String method = strings.getOrPlaceholder(f.methodNameId());
    String where;
    if (f.line() == -3) {
      where = "Native Method";
    } else {
      String source = f.sourceFileId() == 0 ? "Unknown Source" : strings.getOrPlaceholder(f.sourceFileId());
      where = f.line() > 0 ? source + ":" + f.line() : f.line() == -2 ? source + ", compiled" : source;
    }
    return className + "." + method + "(" + where + ")";
  }

  /** Names a class by the id of its mirror. */
  public interface ClassNames {
    String nameOfClassId(long classId);
  }
}
