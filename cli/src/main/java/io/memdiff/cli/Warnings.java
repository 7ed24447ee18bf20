package io.memdiff.cli;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.ScanResult;
import java.io.PrintWriter;

/** Warning lines on stderr for what a lenient read lost or skipped. */
final class Warnings {
  private Warnings() {}

  static void print(PrintWriter err, DumpCatalog catalog) {
    ScanResult s = catalog.scan();
    String file = catalog.file().path().toString();
    if (s.truncated()) {
      err.println("memdiff: warning: " + file + ": " + s.truncationReason() + "; read up to offset 0x"
          + Long.toHexString(s.truncatedAt()) + ", " + s.lostBytes() + " bytes lost");
    }
    if (s.unknownSubRecords() > 0) {
      err.println("memdiff: warning: " + file + ": skipped the rest of " + s.unknownSubRecords()
          + " segment(s) at unknown sub-records");
    }
  }
}
