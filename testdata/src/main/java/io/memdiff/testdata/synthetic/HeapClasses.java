package io.memdiff.testdata.synthetic;

/**
 * The classes a synthetic heap uses: the JDK's own (with the fields HotSpot dumps for them, own class
 * first, so memdiff's collection folding sees real HashMaps, ArrayLists and TreeMaps) and a small
 * application's, defined by an application class loader.
 */
final class HeapClasses {
  /** The application's package; its classes are what a user of memdiff looks for. */
  static final String APP = "com.example.app.";
  static final String SESSION_NAME = APP + "Session";
  static final String REGISTRY_NAME = APP + "Registry";

  final ClassTable table;
  final int object;
  final int clazz;
  final int string;
  final int boxedLong;
  final int byteArray;
  final int objectArray;
  final int nodeArray;
  final int abstractMap;
  final int hashMap;
  final int node;
  final int abstractCollection;
  final int abstractList;
  final int arrayList;
  final int treeMap;
  final int treeEntry;
  final int thread;
  final int classLoader;
  final int appClassLoader;
  final int session;
  final int sessionStore;
  final int cachedPage;
  final int registry;
  final int app;

  HeapClasses(int idSize) {
    table = new ClassTable(idSize, ObjectLayout.forIdSize(idSize));
    object = table.define("java.lang.Object", -1, true);
    clazz = table.define("java.lang.Class", object, true);
    string = table.define("java.lang.String", object, true, "L", "value", "I", "hash", "B", "coder", "Z", "hashIsZero");
    int number = table.define("java.lang.Number", object, true);
    boxedLong = table.define("java.lang.Long", number, true, "J", "value");
    byteArray = table.define("[B", object, true);
    objectArray = table.define("[Ljava.lang.Object;", object, true);
    nodeArray = table.define("[Ljava.util.HashMap$Node;", object, true);
    abstractMap = table.define("java.util.AbstractMap", object, true, "L", "keySet", "L", "values");
    hashMap = table.define("java.util.HashMap", abstractMap, true, "L", "table", "L", "entrySet", "I", "size",
        "I", "modCount", "I", "threshold", "F", "loadFactor");
    node = table.define("java.util.HashMap$Node", object, true, "I", "hash", "L", "key", "L", "value", "L", "next");
    abstractCollection = table.define("java.util.AbstractCollection", object, true);
    abstractList = table.define("java.util.AbstractList", abstractCollection, true, "I", "modCount");
    arrayList = table.define("java.util.ArrayList", abstractList, true, "L", "elementData", "I", "size");
    treeMap = table.define("java.util.TreeMap", abstractMap, true, "L", "comparator", "L", "root", "L", "entrySet",
        "L", "navigableKeySet", "L", "descendingMap", "I", "size", "I", "modCount");
    treeEntry = table.define("java.util.TreeMap$Entry", object, true, "L", "key", "L", "value", "L", "left",
        "L", "right", "L", "parent", "Z", "color");
    thread = table.define("java.lang.Thread", object, true, "L", "name", "J", "tid", "I", "priority", "Z", "daemon",
        "L", "contextClassLoader");
    classLoader = table.define("java.lang.ClassLoader", object, true, "L", "parent", "L", "name");
    appClassLoader = table.define("jdk.internal.loader.ClassLoaders$AppClassLoader", classLoader, true);
    session = table.define(SESSION_NAME, object, false, "L", "id", "L", "payload", "J", "created", "I", "hits");
    sessionStore = table.define(APP + "SessionStore", object, false, "L", "byId", "L", "lock", "J", "hits");
    cachedPage = table.define(APP + "CachedPage", object, false, "J", "key", "L", "data");
    registry = table.define(REGISTRY_NAME, object, false);
    app = table.define(APP + "App", object, false);
  }
}
