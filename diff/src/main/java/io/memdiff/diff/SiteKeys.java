package io.memdiff.diff;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one definition of a site's identity across dumps. Addresses move between dumps, so a site is
 * named by what stays: the class, and either the allocating frame (when the dump records allocation
 * traces) or the folded shortest path from a GC root. Hidden-class and lambda names carry addresses
 * and counters that differ between runs; they are normalised first.
 */
public final class SiteKeys {
  private static final Pattern HIDDEN_SUFFIX = Pattern.compile("\\+0x[0-9a-fA-F]+");
  private static final Pattern LAMBDA_COUNTER = Pattern.compile("\\$\\$Lambda\\$\\d+");
  private static final Pattern QUOTED_THREAD_NAME = Pattern.compile("^thread \"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern UNNAMED_THREAD = Pattern.compile("^thread #\\d+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private SiteKeys() {}

  /** {@code Foo$$Lambda$17+0x0000000801234} and {@code Foo$$Lambda+0x80040640} both become {@code Foo$$Lambda+*}. */
  public static String normalize(String name) {
    // Called for every step of every route: most names hold neither pattern, and need no matcher.
    // The matchers are a method of their own, so that compiling this one does not compile them too.
    if (!name.contains("$$Lambda$") && !name.contains("+0x")) {
      return name;
    }
    return normalizeHidden(name);
  }

  private static String normalizeHidden(String name) {
    String n = LAMBDA_COUNTER.matcher(name).replaceAll("\\$\\$Lambda");
    return HIDDEN_SUFFIX.matcher(n).replaceAll("+*");
  }

  /**
   * A root step with its thread's numbers folded: {@code thread "pool-3-thread-7" local in …} becomes
   * {@code thread "pool-*-thread-*" local in …}, so a leak spread over a pool's threads, or over
   * thousands of request threads, is one site. Other steps are returned as they are.
   */
  public static String foldThreadName(String edge) {
    if (edge.startsWith("thread #")) {
      return UNNAMED_THREAD.matcher(edge).replaceFirst("thread #*");
    }
    if (!edge.startsWith("thread \"")) {
      return edge;
    }
    var m = QUOTED_THREAD_NAME.matcher(edge);
    if (!m.find()) {
      return edge;
    }
    String folded = NUMBER.matcher(m.group(1)).replaceAll("*");
    return "thread \"" + folded + "\"" + edge.substring(m.end());
  }

  /**
   * The thread a root step belongs to, {@code thread "req-*"} for {@code thread "req-*" local in …},
   * or null for a root that is no thread's: a thread's object and its frames' locals are one owner.
   */
  public static String threadOf(String edge) {
    if (edge.startsWith("thread #")) {
      int space = edge.indexOf(' ', "thread #".length());
      return space < 0 ? edge : edge.substring(0, space);
    }
    var m = QUOTED_THREAD_NAME.matcher(edge);
    return m.find() ? m.group() : null;
  }

  /** The thread name a root step names, as written ({@code "req-4711"}), or null for another root. */
  public static String threadNameOf(String edge) {
    var m = QUOTED_THREAD_NAME.matcher(edge);
    return m.find() ? m.group(1) : null;
  }

  /** Key of a retention site: class, then each step's edge and class, root first. */
  public static String retentionKey(String className, List<PathStep> path, SiteReachability reachability) {
    StringBuilder k = new StringBuilder(normalize(className));
    if (reachability != SiteReachability.STRONG) {
      k.append(" [").append(reachability.label()).append(']');
    }
    for (PathStep s : path) {
      k.append(" | ").append(normalize(s.edge())).append(" (").append(normalize(s.className())).append(')');
    }
    return k.toString();
  }

  /** Key of an allocation site: class and allocating frame. */
  public static String allocationKey(String className, String frame) {
    return normalize(className) + " @ " + frame;
  }

  /** Key of the objects of one class that no root reaches. */
  public static String unreachableKey(String className) {
    return normalize(className) + " [unreachable]";
  }

  /** {@code at static com.acme.Registry.SESSIONS → ConcurrentHashMap{values}}. */
  public static String describePath(List<PathStep> path) {
    if (path.isEmpty()) {
      return "unreachable";
    }
    // Joined, not appended: a builder that meets the arrow turns to two bytes a character, and its
    // toString tries to narrow it again, a scan hot enough that C2 compiled it for each run.
    String[] edges = new String[path.size()];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = normalize(path.get(i).edge());
    }
    return "at " + String.join(" → ", edges);
  }
}
