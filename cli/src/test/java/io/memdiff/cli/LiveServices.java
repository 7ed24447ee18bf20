package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.scenarios.LiveService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LiveService} in a JVM of its own, for the tests that capture a running process; closing
 * its input ends it. JFR samples an allocation when a thread takes a new allocation buffer: small
 * fixed buffers make the samples many, so that both leaks are sampled in a capture of a few seconds.
 */
final class LiveServices {
  private LiveServices() {}

  /** Starts the service on this JDK with these JVM options, and returns once it says it is ready. */
  static Process start(Path javaHome, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(), "-Xmx256m",
        "-XX:TLABSize=2k", "-XX:-ResizeTLAB"));
    command.addAll(List.of(options));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LiveService.class.getName()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
    return p;
  }

  /** Ends the service: its input closed, or killed when it does not end within 20 seconds. */
  static void stop(Process p) throws Exception {
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
