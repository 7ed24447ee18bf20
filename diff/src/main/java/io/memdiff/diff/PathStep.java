package io.memdiff.diff;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a site's path as it is stored and compared across dumps: names only, no addresses.
 *
 * @param site the key of the site the step's object is in, where that is not the retention key of
 *     the path up to it: in a dump whose objects carry allocation sites (a Ruby dump traced from the
 *     start), {@code Hash @ registry.rb:22}; null otherwise. Findings find an owner's site by it.
 */
public record PathStep(String edge, String className, @JsonInclude(JsonInclude.Include.NON_NULL) String site) {
  public PathStep(String edge, String className) {
    this(edge, className, null);
  }
}
