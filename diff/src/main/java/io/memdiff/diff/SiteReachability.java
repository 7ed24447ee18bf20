package io.memdiff.diff;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a site's objects are reached: strongly, only through a soft, weak, finalizer or phantom
 * referent, or from no root; {@code MIXED} only for a {@code --by class|package} row whose sites
 * differ. Summary files and reports spell it in lowercase ({@link #label()}).
 */
public enum SiteReachability {
  STRONG, SOFT, WEAK, FINALIZER, PHANTOM, UNREACHABLE, MIXED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

}
