package io.memdiff.engine;

/** What a user asked for (a class, an object address) is not in the dump: a usage error, not a bad dump. */
public final class NotInDumpException extends RuntimeException {
  public NotInDumpException(String message) {
    super(message);
  }
}
