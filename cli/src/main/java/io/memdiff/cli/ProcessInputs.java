package io.memdiff.cli;

import io.memdiff.engine.ProcessRecord;
import io.memdiff.engine.ProcessRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The process record of each dump of a diff: those {@code --proc} names, else {@code k.proc.json}
 * beside {@code k.hprof}. A record that cannot be read is one warning naming its file; the diff runs
 * without it.
 *
 * @param records per dump, null where there is none
 * @param files per dump the record's file as the user named or would see it, null where there is none
 */
record ProcessInputs(List<ProcessRecord> records, List<String> files) {
  static ProcessInputs read(List<Path> dumps, List<Path> given, PrintWriter err) {
    if (given != null && !given.isEmpty() && given.size() != dumps.size()) {
      throw new UsageException("--proc names " + given.size() + " file(s) for " + dumps.size() + " dump(s): give one"
          + " per dump, in their order");
    }
    List<ProcessRecord> records = new ArrayList<>(Collections.nCopies(dumps.size(), null));
    List<String> files = new ArrayList<>(Collections.nCopies(dumps.size(), null));
    for (int i = 0; i < dumps.size(); i++) {
      Path file = given == null || given.isEmpty() ? ProcessRecords.besideDump(dumps.get(i)) : given.get(i);
      if (file == null) {
        continue;
      }
      if (!Files.isRegularFile(file)) {
        throw new UsageException("--proc " + file + ": no such file");
      }
      try {
        records.set(i, ProcessRecords.read(file));
        files.set(i, file.toString());
      } catch (IOException e) {
        err.println("memdiff: warning: " + file + ": " + LiveJvm.oneLine(e.getMessage())
            + "; the diff goes on without this process record");
      }
    }
    return new ProcessInputs(records, files);
  }

  boolean complete() {
    return records.stream().allMatch(r -> r != null);
  }
}
