package io.memdiff.testdata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Rewrites an HPROF dump as the same heap with the objects of each heap-dump record in another order and
 * every object at another address, so tests can check that an analysis depends on neither.
 *
 * <p>Object ids are mapped file-wide (so several heap dumps in one file keep an object's identity); ids
 * of no object in the file, STRING ids, FRAME ids and serials keep their values.
 */
public final class HprofShuffler {
  /** The biggest byte[] a JVM allocates; bigger dumps are rejected. */
  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
  /** HotSpot aligns objects to 8 bytes; relocated ids keep that. */
  private static final int ALIGNMENT = 8;
  /** Tries at a free address range before giving up; a random one collides only in a crowded id space. */
  private static final int RANGE_TRIES = 1000;

  /** Called with the offset of each id that names an object (or should, if it is dangling). */
  private interface IdVisitor {
    void at(int pos) throws IOException;
  }

  /** Where a CLASS DUMP's own field descriptors (u2 count, then name id and type each) start. */
  private record ClassInfo(long superAddress, int fieldsAt) {}

  /** An instance's value bytes as its class hierarchy lays them out: the total and the reference offsets. */
  private record Layout(int size, int[] referenceOffsets) {}

  private final String source;
  private final byte[] in;
  private final ByteBuffer b;
  private final int idSize;
  private final Random random;
  private final Map<Long, ClassInfo> classes = new HashMap<>();
  private final Map<Long, Layout> layouts = new HashMap<>();
  /** Every object's address, sorted and distinct; {@code oldAddresses[i]} moves to {@code newAddresses[i]}. */
  private long[] oldAddresses;
  private long[] newAddresses;

  private HprofShuffler(String source, byte[] in, long seed) throws IOException {
    this.source = source;
    this.in = in;
    this.b = ByteBuffer.wrap(in);
    this.random = new Random(seed);
    int nul = 0;
    while (nul < in.length && nul < 64 && in[nul] != 0) {
      nul++;
    }
    String version = new String(in, 0, nul, StandardCharsets.ISO_8859_1);
    if (!version.startsWith("JAVA PROFILE 1.0.") || nul + 13 > in.length) {
      throw error(0, "not an HPROF 1.0.x file");
    }
    this.idSize = b.getInt(nul + 1);
    if (idSize != 4 && idSize != 8) {
      throw error(nul + 1, "id size " + idSize + ", expected 4 or 8");
    }
  }

  /** Reads {@code in}, writes {@code out}. {@code seed} drives both the shuffle and the relocation. */
  public static void shuffle(Path in, Path out, long seed) throws IOException {
    long size = Files.size(in);
    if (size > MAX_FILE_BYTES) {
      throw new IOException(in + ": " + size + " bytes; the shuffler reads at most " + MAX_FILE_BYTES);
    }
    Files.write(out, new HprofShuffler(in.toString(), Files.readAllBytes(in), seed).run());
  }

  private byte[] run() throws IOException {
    LongStream.Builder addresses = LongStream.builder();
    forEachHeapDump((segmentTag, body, end) -> {
      for (int pos = body; pos < end; pos = subRecordEnd(pos, end)) {
        int tag = in[pos] & 0xFF;
        if (isObject(tag) || tag == Hprof.CLASS_DUMP) {
          require(pos + 1, idSize, end, tag);
          addresses.add(id(pos + 1));
        }
        if (tag == Hprof.CLASS_DUMP) {
          int fieldsAt = classDumpFields(pos + 1, end, null);
          classes.put(id(pos + 1), new ClassInfo(id(pos + 1 + idSize + 4), fieldsAt));
        }
      }
    });
    oldAddresses = addresses.build().sorted().distinct().toArray();
    LongStream.Builder dangling = LongStream.builder();
    forEachId(pos -> {
      long id = id(pos);
      if (id != 0 && Arrays.binarySearch(oldAddresses, id) < 0) {
        dangling.add(id);
      }
    });
    newAddresses = relocate(dangling.build().sorted().distinct().toArray());
    // Reads go to the input (class ids there still find their layouts); writes to the copy.
    byte[] out = in.clone();
    ByteBuffer o = ByteBuffer.wrap(out);
    forEachId(pos -> {
      int i = Arrays.binarySearch(oldAddresses, id(pos));
      if (i >= 0) {
        putId(o, pos, newAddresses[i]);
      }
    });
    forEachHeapDump((segmentTag, body, end) -> reorder(out, body, end));
    return out;
  }

  /** Fresh aligned addresses, one per object in random order, in a range holding no old or dangling id. */
  private long[] relocate(long[] dangling) throws IOException {
    int n = oldAddresses.length;
    long span = (long) ALIGNMENT * (n + 1);
    long limit = idSize == 4 ? 1L << 32 : 1L << 47;
    for (int t = 0; t < RANGE_TRIES && span + ALIGNMENT < limit; t++) {
      long base = random.nextLong(ALIGNMENT, limit - span) & -ALIGNMENT;
      boolean clearOfOld = n == 0 || base + span <= oldAddresses[0] || base > oldAddresses[n - 1];
      int d = Arrays.binarySearch(dangling, base);
      int firstAtOrAbove = d >= 0 ? d : -d - 1;
      if (clearOfOld && (firstAtOrAbove == dangling.length || dangling[firstAtOrAbove] >= base + span)) {
        int[] slots = IntStream.range(0, n).toArray();
        shuffle(slots, n);
        long[] fresh = new long[n];
        for (int i = 0; i < n; i++) {
          fresh[i] = base + (long) ALIGNMENT * slots[i];
        }
        return fresh;
      }
    }
    throw new IOException(source + ": no free range of " + span + " bytes for " + n + " objects with "
        + idSize + "-byte ids");
  }

  /**
   * Rewrites one heap-dump record's body: between HEAP DUMP INFO records (whose heap applies to what
   * follows), the other sub-records first in their order, then the objects shuffled.
   */
  private void reorder(byte[] out, int body, int end) throws IOException {
    byte[] old = Arrays.copyOfRange(out, body, end);
    IntStream.Builder offsets = IntStream.builder();
    for (int pos = body; pos < end; pos = subRecordEnd(pos, end)) {
      offsets.add(pos - body);
    }
    int[] starts = offsets.add(end - body).build().toArray();
    int w = body;
    int runStart = 0;
    int records = starts.length - 1;
    for (int i = 0; i <= records; i++) {
      if (i < records && (i == runStart || (old[starts[i]] & 0xFF) != Hprof.HEAP_DUMP_INFO)) {
        continue;
      }
      int[] objects = new int[i - runStart];
      int count = 0;
      for (int k = runStart; k < i; k++) {
        if (isObject(old[starts[k]] & 0xFF)) {
          objects[count++] = k;
        } else {
          w = copy(old, starts, k, out, w);
        }
      }
      shuffle(objects, count);
      for (int k = 0; k < count; k++) {
        w = copy(old, starts, objects[k], out, w);
      }
      runStart = i;
    }
    ByteBuffer.wrap(out).putInt(body - 4, w - body);
  }

  private static int copy(byte[] old, int[] starts, int k, byte[] out, int w) {
    int length = starts[k + 1] - starts[k];
    System.arraycopy(old, starts[k], out, w, length);
    return w + length;
  }

  /** Fisher–Yates over the first {@code count} entries. */
  private void shuffle(int[] a, int count) {
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static boolean isObject(int tag) {
    return tag == Hprof.INSTANCE_DUMP || tag == Hprof.OBJECT_ARRAY_DUMP || tag == Hprof.PRIMITIVE_ARRAY_DUMP
        || tag == Hprof.PRIMITIVE_ARRAY_NODATA;
  }

  /** Every place in the file an object id is written, in records and sub-records alike. */
  private void forEachId(IdVisitor v) throws IOException {
    forEachRecord((tag, body, end) -> {
      if ((tag == Hprof.LOAD_CLASS || tag == Hprof.START_THREAD) && end - body >= 4 + idSize) {
        v.at(body + 4);
      } else if (tag == Hprof.HEAP_DUMP || tag == Hprof.HEAP_DUMP_SEGMENT) {
        for (int pos = body; pos < end; pos = subRecordEnd(pos, end)) {
          subRecordIds(pos, end, v);
        }
      }
    });
  }

  private void subRecordIds(int pos, int end, IdVisitor v) throws IOException {
    int tag = in[pos] & 0xFF;
    int p = pos + 1;
    switch (tag) {
      case Hprof.HEAP_DUMP_INFO -> { } // its id names a STRING
      case Hprof.CLASS_DUMP -> classDumpFields(p, end, v);
      case Hprof.INSTANCE_DUMP -> {
        long classAddress = id(p + idSize + 4);
        Layout layout = layout(classAddress, pos);
        int values = p + 2 * idSize + 8;
        if (layout.size() != b.getInt(values - 4)) {
          throw error(pos, "instance of class 0x" + Long.toHexString(classAddress) + " has " + b.getInt(values - 4)
              + " value bytes, its class hierarchy " + layout.size());
        }
        v.at(p);
        v.at(p + idSize + 4);
        for (int offset : layout.referenceOffsets()) {
          v.at(values + offset);
        }
      }
      case Hprof.OBJECT_ARRAY_DUMP -> {
        v.at(p);
        int length = b.getInt(p + idSize + 4);
        for (int e = 0; e <= length; e++) {
          v.at(p + idSize + 8 + e * idSize); // e = 0 is the array class, then the elements
        }
      }
      // Roots and primitive arrays: the first id is the object; JNI GLOBAL's second is a JNI reference.
      default -> v.at(p);
    }
  }

  /**
   * Walks a CLASS DUMP's body from {@code p}, showing {@code v} (if any) its ids and object-typed constants
   * and statics, and returns where its own field descriptors start.
   */
  private int classDumpFields(int p, int end, IdVisitor v) throws IOException {
    require(p, 7L * idSize + 8, end, Hprof.CLASS_DUMP);
    if (v != null) {
      v.at(p);
      for (int k = 0; k < 6; k++) { // super, loader, signers, protection domain, two reserved
        v.at(p + idSize + 4 + k * idSize);
      }
    }
    int pos = p + 7 * idSize + 8;
    for (int part = 0; part < 2; part++) { // constant pool (u2 index, type, value), then statics (id name, ...)
      int keySize = part == 0 ? 2 : idSize;
      require(pos, 2, end, Hprof.CLASS_DUMP);
      int count = b.getShort(pos) & 0xFFFF;
      pos += 2;
      for (int i = 0; i < count; i++) {
        require(pos, keySize + 1, end, Hprof.CLASS_DUMP);
        int type = in[pos + keySize];
        pos += keySize + 1;
        int size = valueSize(type, pos);
        require(pos, size, end, Hprof.CLASS_DUMP);
        if (v != null && type == Hprof.OBJECT) {
          v.at(pos);
        }
        pos += size;
      }
    }
    require(pos, 2, end, Hprof.CLASS_DUMP);
    return pos;
  }

  /** Own fields first, then each superclass's, as INSTANCE DUMP values are written. */
  private Layout layout(long classAddress, int pos) throws IOException {
    Layout known = layouts.get(classAddress);
    if (known != null) {
      return known;
    }
    IntStream.Builder references = IntStream.builder();
    int size = 0;
    long c = classAddress;
    for (int depth = 0; c != 0; depth++) {
      ClassInfo info = classes.get(c);
      if (info == null || depth > classes.size()) {
        throw error(pos, "instance of class 0x" + Long.toHexString(classAddress) + " whose hierarchy "
            + (info == null ? "lacks the CLASS DUMP of 0x" + Long.toHexString(c) : "is a cycle"));
      }
      int fields = b.getShort(info.fieldsAt()) & 0xFFFF;
      for (int f = 0; f < fields; f++) {
        int type = in[info.fieldsAt() + 2 + f * (idSize + 1) + idSize];
        if (type == Hprof.OBJECT) {
          references.add(size);
        }
        size += valueSize(type, info.fieldsAt());
      }
      c = info.superAddress();
    }
    Layout l = new Layout(size, references.build().toArray());
    layouts.put(classAddress, l);
    return l;
  }

  private interface RecordVisitor {
    void record(int tag, int body, int end) throws IOException;
  }

  private void forEachHeapDump(RecordVisitor v) throws IOException {
    forEachRecord((tag, body, end) -> {
      if (tag == Hprof.HEAP_DUMP || tag == Hprof.HEAP_DUMP_SEGMENT) {
        v.record(tag, body, end);
      }
    });
  }

  private void forEachRecord(RecordVisitor v) throws IOException {
    int pos = 0;
    while (in[pos] != 0) {
      pos++;
    }
    pos += 1 + 4 + 8;
    while (pos < in.length) {
      require(pos, Hprof.RECORD_HEADER_SIZE, in.length, -1);
      int tag = in[pos] & 0xFF;
      long length = b.getInt(pos + 5) & 0xFFFF_FFFFL;
      int body = pos + Hprof.RECORD_HEADER_SIZE;
      require(body, length, in.length, tag);
      v.record(tag, body, body + (int) length);
      pos = body + (int) length;
    }
  }

  /** Where the sub-record whose tag is at {@code pos} ends, checked against its record's end. */
  private int subRecordEnd(int pos, int end) throws IOException {
    int tag = in[pos] & 0xFF;
    int p = pos + 1;
    long size = switch (tag) {
      case Hprof.ROOT_UNKNOWN, Hprof.ROOT_STICKY_CLASS, Hprof.ROOT_MONITOR_USED, Hprof.ROOT_INTERNED_STRING,
          Hprof.ROOT_FINALIZING, Hprof.ROOT_DEBUGGER, Hprof.ROOT_REFERENCE_CLEANUP, Hprof.ROOT_VM_INTERNAL,
          Hprof.ROOT_UNREACHABLE -> idSize;
      case Hprof.ROOT_JNI_GLOBAL -> 2L * idSize;
      case Hprof.ROOT_JNI_LOCAL, Hprof.ROOT_JAVA_FRAME, Hprof.ROOT_THREAD_OBJECT, Hprof.ROOT_JNI_MONITOR -> idSize + 8;
      case Hprof.ROOT_NATIVE_STACK, Hprof.ROOT_THREAD_BLOCK, Hprof.HEAP_DUMP_INFO -> idSize + 4;
      case Hprof.PRIMITIVE_ARRAY_NODATA -> idSize + 9;
      case Hprof.CLASS_DUMP -> {
        int fieldsAt = classDumpFields(p, end, null);
        yield fieldsAt + 2 + (long) (b.getShort(fieldsAt) & 0xFFFF) * (idSize + 1) - p;
      }
      case Hprof.INSTANCE_DUMP -> {
        require(p, 2L * idSize + 8, end, tag);
        yield 2L * idSize + 8 + (b.getInt(p + 2 * idSize + 4) & 0xFFFF_FFFFL);
      }
      case Hprof.OBJECT_ARRAY_DUMP -> {
        require(p, 2L * idSize + 8, end, tag);
        yield 2L * idSize + 8 + (b.getInt(p + idSize + 4) & 0xFFFF_FFFFL) * idSize;
      }
      case Hprof.PRIMITIVE_ARRAY_DUMP -> {
        require(p, idSize + 9L, end, tag);
        yield idSize + 9L + (b.getInt(p + idSize + 4) & 0xFFFF_FFFFL) * valueSize(in[p + idSize + 8], pos);
      }
      default -> throw error(pos, "unknown heap-dump sub-record tag 0x" + Integer.toHexString(tag));
    };
    require(p, size, end, tag);
    return p + (int) size;
  }

  private int valueSize(int type, int pos) throws IOException {
    if (type < Hprof.OBJECT || type > Hprof.LONG || type == 3) {
      throw error(pos, "basic type " + type);
    }
    return Hprof.sizeOf(type, idSize);
  }

  private void require(int pos, long bytes, int end, int tag) throws IOException {
    if (bytes > end - pos) {
      throw error(pos, (tag < 0 ? "record header" : "tag 0x" + Integer.toHexString(tag)) + " needs " + bytes
          + " bytes, " + (end - pos) + " left in its record or file");
    }
  }

  private IOException error(int pos, String problem) {
    return new IOException(source + ": at 0x" + Integer.toHexString(pos) + ": " + problem);
  }

  private long id(int pos) {
    return idSize == 8 ? b.getLong(pos) : b.getInt(pos) & 0xFFFF_FFFFL;
  }

  private void putId(ByteBuffer o, int pos, long id) {
    if (idSize == 8) {
      o.putLong(pos, id);
    } else {
      o.putInt(pos, (int) id);
    }
  }
}
