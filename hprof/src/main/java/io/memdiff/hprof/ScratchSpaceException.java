package io.memdiff.hprof;

import java.io.IOException;

/**
 * A temporary file memdiff needs (a gzip dump's inflated copy) could not be written: a write failure
 * of memdiff's, not a fault of the dump, so it gets its own exit code.
 */
public final class ScratchSpaceException extends IOException {
  ScratchSpaceException(String message, IOException cause) {
    super(message, cause);
  }
}
