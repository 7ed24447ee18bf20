package io.memdiff.diff;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a summary's sites come from: the GC-root paths to its objects, or the allocation stack
 * traces the dump recorded. Summary files and reports spell it in lowercase ({@link #label()}).
 */
public enum SiteKind {
  RETENTION, ALLOCATION;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
