package io.memdiff.paths;

/**
 * One step of a GC-root path: how it was reached and what it reached.
 *
 * @param edge {@code static com.acme.Registry.SESSIONS}, {@code java.util.HashMap.table}, {@code []},
 *     {@code HashMap{values}}, or for the first step the root, e.g. {@code thread "worker-1"}
 * @param object object index of the step's target in its dump
 * @param className the target's class
 */
public record Step(String edge, int object, String className) {}
