package io.memdiff.testdata.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A class-loader leak, dumping itself (live) after each of {@link #PHASES} phases:
 * {@code loaders-phase1.hprof}, … ({@link #dumpFile}). Argument: output directory. Each phase makes
 * {@link #LOADERS_PER_PHASE} {@code $PluginLoader}s named {@code plugin-1}, {@code plugin-2}, …
 * ({@link #LOADER_NAME_PREFIX}); each defines its own copy of {@code $Plugin} from this class path's bytes
 * and makes one instance, which the static {@code REGISTRY} (of the application loader) keeps forever.
 * So after phase {@code p} the dump holds {@link #loadersAfter}{@code (p)} loaders, as many
 * {@code $Plugin} classes (each with its own static long[{@link #PLUGIN_STATIC_LONGS}]) and
 * {@link #pluginsAfter}{@code (p)} {@code $Plugin} instances (each with a byte[{@link #PLUGIN_BYTES}]).
 * The application loader never loads {@code $Plugin}: nothing here names it as a type.
 */
public final class LoaderLeakService {
  public static final int PHASES = 3;
  public static final int LOADERS_PER_PHASE = 25;
  public static final String LOADER_NAME_PREFIX = "plugin-";
  public static final int PLUGIN_BYTES = 2_003;
  public static final int PLUGIN_STATIC_LONGS = 503;
  /** Binary name of the class every loader defines. */
  public static final String PLUGIN_CLASS_NAME = "io.memdiff.testdata.scenarios.LoaderLeakService$Plugin";
  private static final String PLUGIN_RESOURCE = "LoaderLeakService$Plugin.class";

  /** Loaded only by {@link PluginLoader}s, one copy each; refers to nothing of this program. */
  public static final class Plugin {
    static final long[] TABLE = new long[PLUGIN_STATIC_LONGS];
    final byte[] state = new byte[PLUGIN_BYTES];

    public Plugin() {}
  }

  /** Defines {@code $Plugin} from given bytes, in a loader of its own. */
  public static final class PluginLoader extends ClassLoader {
    PluginLoader(String name, ClassLoader parent) {
      super(name, parent);
    }

    Class<?> definePlugin(byte[] classFile) {
      return defineClass(PLUGIN_CLASS_NAME, classFile, 0, classFile.length);
    }
  }

  static final List<Object> REGISTRY = new ArrayList<>();

  private LoaderLeakService() {}

  public static String dumpFile(int phase) {
    return "loaders-phase" + phase + ".hprof";
  }

  /** {@code $PluginLoader} instances (and {@code $Plugin} classes) after phase {@code phase} (1-based). */
  public static int loadersAfter(int phase) {
    return LOADERS_PER_PHASE * phase;
  }

  /** {@code $Plugin} instances in {@code REGISTRY} after phase {@code phase}. */
  public static int pluginsAfter(int phase) {
    return LOADERS_PER_PHASE * phase;
  }

  private static byte[] pluginClassFile() throws IOException {
    try (InputStream in = LoaderLeakService.class.getResourceAsStream(PLUGIN_RESOURCE)) {
      if (in == null) {
        throw new IOException("no " + PLUGIN_RESOURCE + " beside " + LoaderLeakService.class.getName());
      }
      return in.readAllBytes();
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    byte[] classFile = pluginClassFile();
    ClassLoader parent = LoaderLeakService.class.getClassLoader();
    int nextLoader = 1;
    for (int phase = 1; phase <= PHASES; phase++) {
      for (int i = 0; i < LOADERS_PER_PHASE; i++) {
        PluginLoader loader = new PluginLoader(LOADER_NAME_PREFIX + nextLoader++, parent);
        Class<?> plugin = loader.definePlugin(classFile);
        REGISTRY.add(plugin.getDeclaredConstructor().newInstance());
      }
      Dumps.dump(dir, dumpFile(phase));
    }
  }
}
