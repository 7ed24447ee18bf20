package io.memdiff.diff;

/** One step of a site's path as it is stored and compared across dumps: names only, no addresses. */
public record PathStep(String edge, String className) {}
