package io.memdiff.cli;

/**
 * The shape of one memory figure sampled over time, named as engineers name what a graph does:
 * steady, warm-up (grows, then levels off), linear growth, steps (flat, with a few jumps), or
 * falling. Growth smaller than the noise given is steady.
 */
enum SeriesShape {
  STEADY("steady"),
  WARM_UP("warm-up (levels off)"),
  LINEAR("linear growth"),
  STEPS("steps"),
  FALLING("falling");

  private final String label;

  SeriesShape(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  boolean grows() {
    return this == LINEAR || this == STEPS;
  }

  /**
   * @param values the samples, oldest first
   * @param noise change smaller than this is no change
   */
  static SeriesShape of(long[] values, long noise) {
    int n = values.length;
    if (n < 3) {
      return n == 2 && values[1] - values[0] >= noise ? LINEAR : STEADY;
    }
    long growth = values[n - 1] - values[0];
    if (growth <= -noise) {
      return FALLING;
    }
    if (growth < noise) {
      return STEADY;
    }
    int half = n / 2;
    long early = values[half] - values[0];
    long late = values[n - 1] - values[half];
    // Levels off: the second half adds less than a fifth of what the first did, and less than noise.
    if (late * 5 < early && late < noise) {
      return WARM_UP;
    }
    long[] rises = new long[n - 1];
    for (int i = 1; i < n; i++) {
      rises[i - 1] = Math.max(0, values[i] - values[i - 1]);
    }
    java.util.Arrays.sort(rises);
    long top = 0;
    int jumps = Math.max(1, (n - 1) / 4);
    for (int i = 0; i < jumps; i++) {
      top += rises[rises.length - 1 - i];
    }
    // Steps: a quarter of the intervals or fewer carry four fifths of the growth.
    return top * 5 >= growth * 4 && n >= 5 ? STEPS : LINEAR;
  }
}
