package io.memdiff.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven filtered into {@code memdiff-version.properties}. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws Exception {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("/memdiff-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return new String[] {"memdiff " + p.getProperty("version", "unknown") + " (Java " + Runtime.version() + ")"};
  }
}
