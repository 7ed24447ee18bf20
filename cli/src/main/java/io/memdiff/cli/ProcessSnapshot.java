package io.memdiff.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.memdiff.engine.ProcessRecord;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Map;
import javax.management.MBeanServerConnection;

/**
 * Reads a process record of a live JVM: {@code /proc} for the operating system's figures, the JVM's
 * platform beans for its own, and {@code VM.native_memory summary} when it tracks native memory. A
 * figure that cannot be read stays null, so the record leaves it out rather than claim a zero.
 */
final class ProcessSnapshot {
  private ProcessSnapshot() {}

  static ProcessRecord take(LiveJvm jvm, long pid) {
    ProcFiles proc = ProcFiles.of(pid);
    MBeanServerConnection server = jvm.connection();
    MemoryUsage heap = null;
    try {
      MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
          MemoryMXBean.class);
      heap = memory.getHeapMemoryUsage();
    } catch (IOException | RuntimeException e) {
      // left out of the record
    }
    MemoryUsage metaspace = null;
    try {
      for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class)) {
        if (pool.getName().equals("Metaspace")) {
          metaspace = pool.getUsage();
        }
      }
    } catch (IOException | RuntimeException e) {
      // left out of the record
    }
    Integer threads = null;
    try {
      threads = ManagementFactory.getPlatformMXBean(server, ThreadMXBean.class).getThreadCount();
    } catch (IOException | RuntimeException e) {
      // left out of the record
    }
    BufferPoolMXBean direct = null;
    BufferPoolMXBean mapped = null;
    try {
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(server, BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          direct = pool;
        } else if (pool.getName().equals("mapped")) {
          mapped = pool;
        }
      }
    } catch (IOException | RuntimeException e) {
      // left out of the record
    }
    String tracking = trackingLevel(server);
    Map<String, Long> nmt = null;
    if (tracking != null && !tracking.equals("off")) {
      try {
        nmt = NmtSummary.parse(jvm.run("vmNativeMemory", "summary"));
      } catch (CaptureFailure e) {
        // left out of the record
      }
    }
    return new ProcessRecord(ProcessRecord.SCHEMA_VERSION, Instant.now().toString(), pid, proc.rssBytes(),
        proc.rssAnonBytes(), proc.rssFileBytes(), proc.rssShmemBytes(), proc.pssBytes(), proc.threads(),
        heap == null ? null : heap.getUsed(), heap == null ? null : heap.getCommitted(),
        metaspace == null ? null : metaspace.getUsed(), metaspace == null ? null : metaspace.getCommitted(), threads,
        poolBytes(direct, true), poolBytes(direct, false), poolBytes(mapped, true), poolBytes(mapped, false),
        tracking, nmt, proc.arenaMaxSet(), proc.arenaMax(), proc.allocator(), null);
  }

  /** The pool's memory ({@code bytes}) or its buffer count; null when it cannot be read. */
  private static Long poolBytes(BufferPoolMXBean pool, boolean bytes) {
    if (pool == null) {
      return null;
    }
    try {
      long v = bytes ? pool.getMemoryUsed() : pool.getCount();
      return v < 0 ? null : v;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code off}, {@code summary} or {@code detail}: the JVM's -XX:NativeMemoryTracking; null when it cannot be read. */
  private static String trackingLevel(MBeanServerConnection server) {
    try {
      HotSpotDiagnosticMXBean bean = ManagementFactory.newPlatformMXBeanProxy(server,
          "com.sun.management:type=HotSpotDiagnostic", HotSpotDiagnosticMXBean.class);
      return bean.getVMOption("NativeMemoryTracking").getValue();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
