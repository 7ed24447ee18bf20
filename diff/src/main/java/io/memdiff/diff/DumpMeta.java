package io.memdiff.diff;

/**
 * The dump a {@link SiteSummary} was made from.
 *
 * @param layout the object layout the sizes were computed with ({@code header 12, reference 4, align 8});
 *     dumps of different layouts compare by counts, not by bytes
 */
public record DumpMeta(String path, long timestampMillis, int idSize, long objects, long shallowBytes,
    boolean truncated, SiteKind siteKind, String layout) {}
