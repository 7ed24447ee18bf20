package io.memdiff.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Writes a file whole or not at all: under a temporary name in the target's directory, flushed to
 * disk, then renamed over the target; on any failure the temporary file goes and the target is left
 * as it was, so a reader never finds half a summary under its final name.
 */
final class OutputFile {
  /** What writes the content. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** A file that could not be written, and how far the write got. */
  static final class WriteFailure extends IOException {
    WriteFailure(Path target, long written, IOException cause) {
      super("cannot write " + target + ": " + reason(cause) + " (" + written + " bytes written; the file was left as it was)",
          cause);
    }

    private static String reason(IOException e) {
      String m = e.getMessage();
      if (e instanceof NoSuchFileException) {
        return "no such directory";
      }
      return m == null ? e.getClass().getSimpleName() : m.replace("No space left on device", "no space left on device");
    }
  }

  private OutputFile() {}

  static void write(Path target, Content content) throws WriteFailure {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temporary = null;
    Counting out = null;
    try {
      removeStaleParts(dir, absolute.getFileName().toString());
      // The process id in the name tells a later run whether the writer is gone (killed, say); a
      // terminated JVM deletes it on exit.
      temporary = Files.createTempFile(dir, "." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "-",
          ".partial");
      temporary.toFile().deleteOnExit();
      try (Counting counting = new Counting(Files.newOutputStream(temporary))) {
        out = counting;
        content.writeTo(counting);
      }
      try (FileChannel c = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      try {
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      temporary = null;
    } catch (IOException e) {
      throw new WriteFailure(target, out == null ? 0 : out.count, e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the write failed already, and that is what is reported
        }
      }
    }
  }

  /**
   * Deletes the parts earlier runs left of this target when they were killed before they could clean
   * up (SIGKILL, a CI timeout): those whose writer is no longer alive.
   */
  private static void removeStaleParts(Path dir, String name) throws IOException {
    String prefix = "." + name + ".";
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String f = p.getFileName().toString();
        if (!f.startsWith(prefix) || !f.endsWith(".partial")) {
          continue;
        }
        String rest = f.substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? "" : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (ProcessHandle.of(pid).isEmpty()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
