package io.memdiff.testdata.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A leak that starts after the second of four dumps ({@code late1.hprof} … {@code late4.hprof}):
 * {@link #AUDIT} holds no {@code $AuditRecord} in the first two, then gains {@link #RECORDS_PER_PHASE}
 * per phase. Argument: output directory.
 */
public final class LateLeak {
  public static final int PHASES = 4;
  /** The first phase after which records are kept (1-based). */
  public static final int FIRST_LEAKING_PHASE = 3;
  public static final int RECORDS_PER_PHASE = 500;
  public static final int RECORD_BYTES = 100;

  /** One record that is never dropped. */
  public static final class AuditRecord {
    final byte[] detail = new byte[RECORD_BYTES];
  }

  static final List<AuditRecord> AUDIT = new ArrayList<>();

  private LateLeak() {}

  /** Records in the dump after phase {@code phase}: 0, 0, then {@link #RECORDS_PER_PHASE} more each. */
  public static int recordsAfter(int phase) {
    return Math.max(0, phase - FIRST_LEAKING_PHASE + 1) * RECORDS_PER_PHASE;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    for (int phase = 1; phase <= PHASES; phase++) {
      while (AUDIT.size() < recordsAfter(phase)) {
        AUDIT.add(new AuditRecord());
      }
      Dumps.dump(dir, "late" + phase + ".hprof");
    }
  }
}
