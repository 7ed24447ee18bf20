package io.memdiff.hprof;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dump that cannot be read as HPROF: truncated, corrupt, or not HPROF at all. The message names the
 * problem and the hex offset in the (inflated) file, so a user can check it with a hex editor.
 */
public class HprofFormatException extends IOException {
  private final Path file;
  private final long offset;
  private final String problem;

  public HprofFormatException(Path file, long offset, String problem) {
    super(problem + " at offset 0x" + Long.toHexString(offset));
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** The dump the error is about; the caller prints it before the message. */
  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The message without the offset. */
  public String problem() {
    return problem;
  }
}
