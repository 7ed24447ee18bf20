package io.memdiff.diff;

import java.util.Locale;

/**
 * What a diff's rows are: sites (class and path), classes, packages, or allocating frames (the
 * first frame outside the JDK of each site's most sampled allocation stack).
 */
public enum Grouping {
  SITE, CLASS, PACKAGE, ALLOCATION;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
