package io.memdiff.hprof;

/**
 * A parsed CLASS DUMP sub-record. Classes are few (thousands), so one object each is fine.
 *
 * @param instanceFieldNameIds this class's own instance fields, in the dump's descriptor order (which
 *     differs between JDKs: always follow it)
 * @param staticValues primitive statics as raw bits, object statics as ids
 */
public record ClassDump(
    long recordOffset,
    long classId,
    int traceSerial,
    long superId,
    long loaderId,
    long signersId,
    long protectionDomainId,
    int instanceSize,
    long[] staticNameIds,
    byte[] staticTypes,
    long[] staticValues,
    long[] instanceFieldNameIds,
    byte[] instanceFieldTypes) {}
