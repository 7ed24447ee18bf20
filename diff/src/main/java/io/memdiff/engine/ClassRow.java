package io.memdiff.engine;

/**
 * One class of a histogram.
 *
 * @param retainedBytes null unless retained sizes were asked for
 * @param unreachableBytes what the class's unreachable objects take; null unless retained sizes were asked for
 */
public record ClassRow(String name, long count, long shallowBytes, Long retainedBytes, Long unreachableBytes) {}
