package io.memdiff.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link RecordWalker} for tests in other packages: reads a dump file and answers counts. */
public final class RecordWalkers {
  private RecordWalkers() {}

  /** Counts over every heap dump of one file. */
  public static final class Counts {
    private final RecordWalker walker;

    Counts(RecordWalker walker) {
      this.walker = walker;
    }

    public int idSize() {
      return walker.idSize;
    }

    /** Instances or object arrays of a class, by internal name ({@code a/b/C$D}, {@code [La/b/C;}). */
    public int count(String internalName) {
      return walker.count(internalName);
    }

    public int primitiveArrays(int type, int length) {
      return walker.primitiveArrays(type, length);
    }
  }

  public static Counts read(Path dump) throws IOException {
    return new Counts(new RecordWalker(Files.readAllBytes(dump)));
  }
}
