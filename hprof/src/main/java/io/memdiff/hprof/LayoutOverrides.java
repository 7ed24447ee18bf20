package io.memdiff.hprof;

/**
 * Layout values given instead of inferred ({@code --object-header}, {@code --ref-size}, {@code --align});
 * null = infer. {@code fieldBlocks} fixes whether fields lie in per-class blocks (HotSpot before JDK
 * 15), which is otherwise inferred from address gaps too: for a copy of a dump at other addresses.
 */
public record LayoutOverrides(Integer header, Integer refSize, Integer align, Boolean fieldBlocks) {
  public static final LayoutOverrides NONE = new LayoutOverrides(null, null, null, null);

  public LayoutOverrides(Integer header, Integer refSize, Integer align) {
    this(header, refSize, align, null);
  }

  public boolean isEmpty() {
    return header == null && refSize == null && align == null && fieldBlocks == null;
  }

  Layout apply(Layout inferred) {
    return inferred.withOverrides(header, refSize, align);
  }
}
