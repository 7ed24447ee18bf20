package io.memdiff.cli;

/** A capture that could not be made, with the exit code that says why (usage, or a write failure). */
final class CaptureFailure extends Exception {
  private final int exitCode;

  CaptureFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
