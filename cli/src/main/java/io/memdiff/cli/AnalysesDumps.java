package io.memdiff.cli;

import java.nio.file.Path;
import java.util.List;

/** A command that holds a dump's object graph in the Java heap: what the heap is sized for. */
interface AnalysesDumps {
  /** The inputs it analyses; summary files among them need no heap. Empty when it does not analyse. */
  List<Path> analysedDumps();

  /** How many of them it analyses at a time. */
  default int atOnce() {
    return 1;
  }

  DumpOptions dumpOptions();
}
