package io.memdiff.hprof;

import java.util.Arrays;

/**
 * The class index of each object in the index: a char each where the dump has at most 65,536
 * classes (every dump seen so far has far fewer), else an int. Two bytes per object fewer at the
 * analysis's peak, where the index lives throughout.
 */
final class ClassColumn {
  private final char[] narrow;
  private final int[] wide;

  private ClassColumn(char[] narrow, int[] wide) {
    this.narrow = narrow;
    this.wide = wide;
  }

  static ClassColumn allocate(int length, int classCount) {
    return classCount <= 1 << 16 ? new ClassColumn(new char[length], null) : new ClassColumn(null, new int[length]);
  }

  int get(int i) {
    return narrow != null ? narrow[i] : wide[i];
  }

  void set(int i, int classIndex) {
    if (narrow != null) {
      narrow[i] = (char) classIndex;
    } else {
      wide[i] = classIndex;
    }
  }

  int length() {
    return narrow != null ? narrow.length : wide.length;
  }

  /** A copy of the first {@code length} entries. */
  ClassColumn trim(int length) {
    return narrow != null ? new ClassColumn(Arrays.copyOf(narrow, length), null)
        : new ClassColumn(null, Arrays.copyOf(wide, length));
  }
}
