package io.memdiff.cli;

/** A command line that parses but makes no sense (e.g. a threshold below zero): exit 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
