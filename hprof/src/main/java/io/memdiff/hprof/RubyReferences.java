package io.memdiff.hprof;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the references of a transcoded Ruby dump once every object is known: a Ruby dump lists
 * every live object, so a reference to an address no line describes means a damaged dump.
 */
final class RubyReferences {
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).limit(0);
  private long position;

  private RubyReferences(FileChannel channel, long position) {
    this.channel = channel;
    this.position = position;
  }

  /** Hears of each reference to no object: the sub-record (in order, from 0) that holds it, and its target. */
  interface Dangling {
    void found(int record, long target);
  }

  /**
   * Reads back the heap segments {@link RubyTranscoder} wrote ({@code [starts[k], ends[k])}).
   *
   * @param addresses every object's address, ascending
   * @return how many references name no object
   */
  static long check(FileChannel channel, List<Long> starts, List<Long> ends, long[] addresses, Dangling dangling)
      throws IOException {
    long count = 0;
    int record = 0;
    for (int k = 0; k < starts.size(); k++) {
      long remaining = ends.get(k) - starts.get(k);
      RubyReferences in = new RubyReferences(channel, starts.get(k));
      while (remaining > 0) {
        in.need(1);
        int tag = in.buffer.get() & 0xFF;
        if (tag == 0xFF) {
          in.need(8);
          count += resolve(in.buffer.getLong(), addresses, record, dangling, count);
          remaining -= 9;
        } else {
          in.need(24);
          in.buffer.position(in.buffer.position() + 12);
          int length = in.buffer.getInt();
          in.buffer.getLong();
          for (int i = 0; i < length; i++) {
            in.need(8);
            count += resolve(in.buffer.getLong(), addresses, record, dangling, count);
          }
          remaining -= 25 + 8L * length;
        }
        record++;
      }
    }
    return count;
  }

  /** Makes at least {@code n} bytes readable in the buffer. */
  private void need(int n) throws IOException {
    if (buffer.remaining() >= n) {
      return;
    }
    buffer.compact();
    while (buffer.position() < n) {
      int read = channel.read(buffer, position);
      if (read < 0) {
        throw new EOFException("the transcoded dump ends inside a record");
      }
      position += read;
    }
    buffer.flip();
  }

  private static int resolve(long target, long[] addresses, int record, Dangling dangling, long before) {
    if (Arrays.binarySearch(addresses, target) >= 0) {
      return 0;
    }
    if (before == 0) {
      dangling.found(record, target);
    }
    return 1;
  }
}
