package io.memdiff.hprof;

/** Layout values the user gave ({@code --object-header}, {@code --ref-size}, {@code --align}); null = infer. */
public record LayoutOverrides(Integer header, Integer refSize, Integer align) {
  public static final LayoutOverrides NONE = new LayoutOverrides(null, null, null);

  public boolean isEmpty() {
    return header == null && refSize == null && align == null;
  }

  Layout apply(Layout inferred) {
    return inferred.withOverrides(header, refSize, align);
  }
}
