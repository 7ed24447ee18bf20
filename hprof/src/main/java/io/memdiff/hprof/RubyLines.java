package io.memdiff.hprof;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines held in one growing buffer, so a line of megabytes (a large Array's
 * references) is read in place. JSON strings cannot hold a raw line break, so every {@code '\n'}
 * ends a dump line.
 */
final class RubyLines {
  /** Java arrays end near 2 GiB; a longer line is reported rather than overflowing. */
  private static final int MAX_LINE = Integer.MAX_VALUE - 64;

  private final InputStream in;
  private byte[] buffer = new byte[1 << 20];
  private int start;
  private int end;
  private boolean eof;
  private long consumed;

  /** The current line: {@code bytes()[offset(), offset() + length())}, without its line break. */
  private int lineStart;
  private int lineLength;
  private long number;
  private long lineOffset;
  private boolean terminated;

  RubyLines(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line; false at the end of the stream. */
  boolean next() throws IOException {
    int scanFrom = start;
    while (true) {
      int nl = indexOf((byte) '\n', scanFrom, end);
      if (nl >= 0) {
        take(nl, true);
        start = nl + 1;
        return true;
      }
      if (eof) {
        if (start == end) {
          return false;
        }
        take(end, false);
        start = end;
        return true;
      }
      scanFrom = end - start;
      fill();
      scanFrom += start;
    }
  }

  private void take(int lineEnd, boolean withBreak) {
    lineStart = start;
    lineLength = lineEnd - start;
    lineOffset = consumed + start;
    terminated = withBreak;
    number++;
  }

  /** Keeps the unread bytes, at the buffer's start, and reads more after them. */
  private void fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      consumed += start;
      end -= start;
      start = 0;
    }
    if (end == buffer.length) {
      if (buffer.length >= MAX_LINE) {
        throw new IOException("line " + (number + 1) + " is longer than " + MAX_LINE + " bytes");
      }
      buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_LINE, buffer.length * 2L));
    }
    int n = in.read(buffer, end, buffer.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  byte[] bytes() {
    return buffer;
  }

  int offset() {
    return lineStart;
  }

  int length() {
    return lineLength;
  }

  /** 1-based. */
  long number() {
    return number;
  }

  /** Where the line starts in the (uncompressed) stream. */
  long streamOffset() {
    return lineOffset;
  }

  /** Whether a line break ended the line (the last line of a cut-off dump has none). */
  boolean terminated() {
    return terminated;
  }

  /** Whether the line holds only blanks. */
  boolean blank() {
    for (int i = lineStart; i < lineStart + lineLength; i++) {
      byte b = buffer[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
