package io.memdiff.hprof;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the references of a transcoded Ruby dump once every object is known: a Ruby dump lists
 * every live object, so a reference to an address no line describes means a damaged dump.
 */
final class RubyReferences {
  private RubyReferences() {}

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
      DataInputStream in = new DataInputStream(
          new BufferedInputStream(Channels.newInputStream(channel.position(starts.get(k))), 1 << 16));
      while (remaining > 0) {
        int tag = in.readUnsignedByte();
        if (tag == 0xFF) {
          count += resolve(in.readLong(), addresses, record, dangling, count);
          remaining -= 9;
        } else {
          in.readLong();
          in.readInt();
          int length = in.readInt();
          in.readLong();
          for (int i = 0; i < length; i++) {
            count += resolve(in.readLong(), addresses, record, dangling, count);
          }
          remaining -= 25 + 8L * length;
        }
        record++;
      }
    }
    return count;
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
