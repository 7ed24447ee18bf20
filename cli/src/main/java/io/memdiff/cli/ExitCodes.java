package io.memdiff.cli;

/** memdiff's exit codes, the contract scripts and CI rely on. */
final class ExitCodes {
  static final int OK = 0;
  /** A {@code --fail-*} threshold was crossed. */
  static final int THRESHOLD = 1;
  static final int USAGE = 2;
  /** A dump could not be read: missing, truncated, corrupt or not HPROF. */
  static final int BAD_DUMP = 3;
  /** A bug or resource exhaustion in memdiff itself. */
  static final int INTERNAL = 4;
  /**
   * An output file, or a temporary file memdiff needs, could not be written (a full disk, a missing
   * directory); an output file is left as it was.
   */
  static final int WRITE = 5;

  private ExitCodes() {}
}
