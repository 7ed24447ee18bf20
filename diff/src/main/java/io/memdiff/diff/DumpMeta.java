package io.memdiff.diff;

/**
 * The dump a {@link SiteSummary} was made from.
 *
 * @param siteKind {@code retention} (sites from GC-root paths) or {@code allocation} (from the
 *     dump's allocation traces)
 */
public record DumpMeta(String path, long timestampMillis, int idSize, long objects, long shallowBytes,
    boolean truncated, String siteKind) {}
