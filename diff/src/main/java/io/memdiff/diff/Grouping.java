package io.memdiff.diff;

import java.util.Locale;

/** What a diff's rows are: sites (class and path), classes, or packages. */
public enum Grouping {
  SITE, CLASS, PACKAGE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
