package io.memdiff.hprof;

import io.memdiff.hprof.work.Tasks;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens a Ruby heap dump ({@code ObjectSpace.dump_all} output, plain or gzip) as an {@link HprofFile}:
 * recognised by its first bytes, written once as HPROF records to a temporary file (deleted when
 * closed, as an inflated gzip dump is), which is then mapped and read like any HPROF dump.
 */
final class RubyDumpFile {
  private static final int HEAD = 64;

  private RubyDumpFile() {}

  /** Whether the (inflated) file starts as Ruby dump lines do: a JSON object whose first key is "type" or "address". */
  static boolean isRubyDump(Path path, boolean gzip) throws IOException {
    try (InputStream in = stream(path, gzip)) {
      return startsLikeRubyDump(in.readNBytes(HEAD));
    } catch (EOFException | ZipException e) {
      return false;
    }
  }

  static boolean startsLikeRubyDump(byte[] head) {
    String s = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
    if (!s.startsWith("{")) {
      return false;
    }
    s = s.substring(1).stripLeading();
    return s.startsWith("\"type\"") || s.startsWith("\"address\"");
  }

  static HprofFile open(Path path, boolean gzip, Path tmpDir, int windowSize) throws IOException {
    return open(path, gzip, tmpDir, windowSize, Tasks.cores(), RubyTranscoder.MIN_PART);
  }

  /**
   * @param parts how many parts a plain dump is cut into at most, read at once
   * @param minPart the least length of a part (tests cut small files into many)
   */
  static HprofFile open(Path path, boolean gzip, Path tmpDir, int windowSize, int parts, long minPart)
      throws IOException {
    Path target = HprofFile.scratchFile(tmpDir);
    FileChannel channel = HprofFile.openDeleted(target);
    try {
      RubyDump ruby;
      long timestamp = Files.getLastModifiedTime(path).toMillis();
      if (!gzip) {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
          ruby = RubyTranscoder.transcode(in, RubyTranscoder.bounds(in.size(), parts, minPart), channel, timestamp,
              RubyTranscoder.Scratch.forDump(in.size(), tmpDir));
        }
        return new HprofFile(path, false, new MappedFile(path, channel, windowSize), ruby);
      }
      try (InputStream in = stream(path, true)) {
        // Inflated, a gzip dump is about ten times as long.
        ruby = RubyTranscoder.transcode(in, channel, timestamp, RubyTranscoder.Scratch.forDump(10 * Files.size(path), tmpDir));
      } catch (EOFException e) {
        throw new HprofFormatException(path, 0, "truncated gzip stream (compressed file ends early)");
      } catch (ZipException e) {
        throw new HprofFormatException(path, 0, "corrupt gzip stream: " + e.getMessage());
      }
      return new HprofFile(path, true, new MappedFile(path, channel, windowSize), ruby);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static InputStream stream(Path path, boolean gzip) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
  }
}
