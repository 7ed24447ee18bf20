package io.memdiff.diff;

import java.util.List;

/**
 * Where objects of a site were allocated, from JFR's old-object samples joined to the dump: one
 * distinct stack and how many samples had it.
 *
 * @param frames innermost first, {@code com.acme.Foo.bar(Foo.java:53)}
 */
public record AllocationStack(List<String> frames, long samples) {
  /**
   * Up to {@code n} frames from the first one outside the JDK (the program's code that asked for the
   * object, not the collection that grew for it); from the innermost when all are the JDK's.
   */
  public List<String> programFrames(int n) {
    int first = 0;
    while (first < frames.size() && isJdk(frames.get(first))) {
      first++;
    }
    if (first == frames.size()) {
      first = 0;
    }
    return frames.subList(first, Math.min(frames.size(), first + Math.max(0, n)));
  }

  private static boolean isJdk(String frame) {
    return frame.startsWith("java.") || frame.startsWith("javax.") || frame.startsWith("jdk.")
        || frame.startsWith("sun.") || frame.startsWith("com.sun.");
  }
}
