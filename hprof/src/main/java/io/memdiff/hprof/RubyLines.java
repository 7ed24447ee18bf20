package io.memdiff.hprof;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Splits a stream, or the lines of a file that start in a range of it, into lines held in one
 * growing buffer, so a line of megabytes (a large Array's references) is read in place. JSON strings
 * cannot hold a raw line break, so every {@code '\n'} ends a dump line, and a file cut anywhere splits
 * into ranges whose lines are each read once: a range holds the lines that start in it.
 */
final class RubyLines {
  /** Java arrays end near 2 GiB; a longer line is reported rather than overflowing. */
  static final int MAX_LINE = Integer.MAX_VALUE - 64;
  private static final int BUFFER = 1 << 20;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;

  /** A line longer than {@link #MAX_LINE}; its number counts from the start of the range. */
  static final class TooLong extends IOException {
    final long number;

    TooLong(long number) {
      super("line " + number + " is longer than " + MAX_LINE + " bytes");
      this.number = number;
    }
  }

  private final InputStream in;
  private final FileChannel channel;
  /** The next byte of the file to read. */
  private long readAt;
  /** Lines that start at or past this offset belong to the next range. */
  private final long limit;
  private boolean skipFirst;

  private byte[] buffer;
  private int start;
  private int end;
  private boolean eof;
  /** Stream offset of {@code buffer[0]}. */
  private long consumed;

  /** The current line: {@code bytes()[offset(), offset() + length())}, without its line break. */
  private int lineStart;
  private int lineLength;
  private long number;
  private long lineOffset;
  private boolean terminated;

  RubyLines(InputStream in) {
    this.in = in;
    this.channel = null;
    this.limit = Long.MAX_VALUE;
    this.buffer = new byte[BUFFER];
  }

  /**
   * The lines of {@code channel}'s file that start in {@code [from, to)}: from 0, or from the first
   * line break at or after {@code from - 1}; the last may run past {@code to}.
   */
  RubyLines(FileChannel channel, long from, long to) {
    this.in = null;
    this.channel = channel;
    this.limit = to;
    this.skipFirst = from > 0;
    this.readAt = from > 0 ? from - 1 : 0;
    this.consumed = readAt;
    // A small range (a test's) needs no more than its own length; a longer line grows the buffer.
    this.buffer = new byte[(int) Math.min(BUFFER, Math.max(4096, to - readAt + 1024))];
  }

  /** Whether a line follows (for {@link #next}), perhaps still unread. */
  boolean more() throws IOException {
    if (skipFirst) {
      skipFirst = false;
      skipToLineStart();
    }
    return consumed + start < limit && !(eof && start == end);
  }

  /** Where the next line starts in {@link #bytes()}. */
  int position() {
    return start;
  }

  /** The end of the bytes read so far: the next line is in {@code bytes()[position(), available())} if it ends before. */
  int available() {
    return end;
  }

  /** Whether no bytes follow {@link #available()}. */
  boolean atEnd() {
    return eof;
  }

  /**
   * Moves to the next line, found to end at {@code lineEnd} (its line break, or
   * {@link #available()} at the end of the stream) by its reader.
   */
  void next(int lineEnd) {
    take(lineEnd, lineEnd < end);
    start = Math.min(lineEnd + 1, end);
  }

  /** Moves to the next line; false at the end of the stream or of the range. */
  boolean next() throws IOException {
    if (!more()) {
      return false;
    }
    int scanFrom = start;
    while (true) {
      int nl = indexOfBreak(scanFrom, end);
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

  /** Past the line that starts before the range (the previous range reads it). */
  private void skipToLineStart() throws IOException {
    while (true) {
      int nl = indexOfBreak(start, end);
      if (nl >= 0) {
        start = nl + 1;
        return;
      }
      start = end;
      if (eof) {
        return;
      }
      fill();
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
        throw new TooLong(number + 1);
      }
      buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_LINE, buffer.length * 2L));
    }
    int n;
    if (channel != null) {
      n = channel.read(ByteBuffer.wrap(buffer, end, buffer.length - end), readAt);
      if (n > 0) {
        readAt += n;
      }
    } else {
      n = in.read(buffer, end, buffer.length - end);
    }
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }

  /** The first {@code '\n'} in {@code [from, to)}, eight bytes at a time, or −1. */
  private int indexOfBreak(int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(buffer, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long found = (w - ONES) & ~w & (ONES << 7);
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buffer[i] == '\n') {
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

  /** 1-based, from the start of the stream or range. */
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
