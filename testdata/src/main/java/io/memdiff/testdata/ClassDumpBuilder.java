package io.memdiff.testdata;

import java.util.ArrayList;
import java.util.List;

/**
 * One CLASS DUMP (0x20) sub-record, written into its heap-dump body by {@link #end()}. The layout is
 * fixed by the format: class id, u4 trace serial, super, loader, signers, protection domain, two reserved
 * ids, u4 instance size, then u2-counted constant pool (index, type, value), statics (name, type, value)
 * and this class's own instance fields (name, type) in the order instance values are written.
 */
public final class ClassDumpBuilder<B extends RecordBytes<B>> {
  private record Entry(long key, int type, long value) {}

  private final B target;
  private final long classId;
  private final long superId;
  private final int instanceSize;
  private int traceSerial = 1;
  private long loaderId;
  private long signersId;
  private long protectionDomainId;
  private long reserved1;
  private long reserved2;
  private final List<Entry> constants = new ArrayList<>();
  private final List<Entry> statics = new ArrayList<>();
  private final List<Entry> fields = new ArrayList<>();

  ClassDumpBuilder(B target, long classId, long superId, int instanceSize) {
    this.target = target;
    this.classId = classId;
    this.superId = superId;
    this.instanceSize = instanceSize;
  }

  /** Default 1, the empty trace HotSpot gives every class. */
  public ClassDumpBuilder<B> traceSerial(int serial) {
    this.traceSerial = serial;
    return this;
  }

  /** The class loader's object id; 0 (the default) is the boot loader. */
  public ClassDumpBuilder<B> loader(long id) {
    this.loaderId = id;
    return this;
  }

  public ClassDumpBuilder<B> signers(long id) {
    this.signersId = id;
    return this;
  }

  public ClassDumpBuilder<B> protectionDomain(long id) {
    this.protectionDomainId = id;
    return this;
  }

  /** The two reserved ids; HotSpot writes 0 for both. */
  public ClassDumpBuilder<B> reserved(long first, long second) {
    this.reserved1 = first;
    this.reserved2 = second;
    return this;
  }

  /** A constant-pool entry (HotSpot never writes one); FLOAT and DOUBLE values as raw bits. */
  public ClassDumpBuilder<B> constant(int index, int type, long value) {
    constants.add(new Entry(index, type, value));
    return this;
  }

  /** A static field; the value is an id for OBJECT, raw bits for FLOAT and DOUBLE. */
  public ClassDumpBuilder<B> staticField(long nameId, int type, long value) {
    statics.add(new Entry(nameId, type, value));
    return this;
  }

  /** An instance field of this class only (superclass fields belong to the superclass's dump). */
  public ClassDumpBuilder<B> field(long nameId, int type) {
    fields.add(new Entry(nameId, type, 0));
    return this;
  }

  /** Writes the CLASS DUMP and returns the body it was written into. */
  public B end() {
    B b = target;
    b.u1(Hprof.CLASS_DUMP).id(classId).u4(traceSerial).id(superId).id(loaderId).id(signersId).id(protectionDomainId)
        .id(reserved1).id(reserved2).u4(instanceSize);
    b.u2(constants.size());
    for (Entry c : constants) {
      b.u2((int) c.key()).u1(c.type()).value(c.type(), c.value());
    }
    b.u2(statics.size());
    for (Entry s : statics) {
      b.id(s.key()).u1(s.type()).value(s.type(), s.value());
    }
    b.u2(fields.size());
    for (Entry f : fields) {
      b.id(f.key()).u1(f.type());
    }
    return b;
  }
}
