package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.memdiff.engine.ProcessRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Sample a running JVM's memory every S seconds for a while, without dumping: RSS, heap, metaspace,"
          + " direct buffers, threads and, with -XX:NativeMemoryTracking, NMT's total. Each sample is a CSV row"
          + " (or a JSON line) on stdout or in --out FILE.",
      "",
      "At the end it names the shape of RSS and of the heap (steady, warm-up, linear growth, steps, falling)"
          + " and the line to run next: memdiff capture when the heap grows, the NMT flag when only native memory"
          + " does. The first step of watch, capture, diff."
    },
    footer = {"", "Example:", "  memdiff watch 4711 --every 30 --for 2h --out memory.csv"})
final class WatchCommand implements Callable<Integer> {
  enum Format { csv, json }

  static final String CSV_HEADER = "time,seconds,rss_bytes,rss_anon_bytes,heap_used_bytes,heap_committed_bytes,"
      + "metaspace_bytes,direct_bytes,threads,nmt_committed_bytes";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PID", description = "The process id of the JVM to watch (see jcmd -l).")
  long pid;

  @Option(names = "--every", paramLabel = "S", defaultValue = "10", converter = DurationConverter.class,
      description = "Seconds between samples (default: ${DEFAULT-VALUE}; 30s, 1m).")
  double every;

  @Option(names = "--for", paramLabel = "D", required = true, converter = DurationConverter.class,
      description = "How long to watch: seconds or 90s, 10m, 2h, 1d.")
  double duration;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv",
      description = "csv (default) or json (one object per line).")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the samples to FILE instead of stdout.")
  Path outFile;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Sample(String time, double seconds, Long rssBytes, Long rssAnonBytes, Long heapUsedBytes,
      Long heapCommittedBytes, Long metaspaceBytes, Long directBytes, Integer threads, Long nmtCommittedBytes) {}

  @Override
  public Integer call() throws Exception {
    if (!(every > 0) || !(duration >= every)) {
      throw new UsageException("--every must be more than 0 and --for at least as long as --every");
    }
    PrintWriter err = spec.commandLine().getErr();
    long samples = (long) Math.floor(duration / every) + 1;
    List<Sample> taken = new ArrayList<>();
    try (LiveJvm jvm = LiveJvm.attach(pid);
        PrintWriter out = outFile == null ? null : new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8));
        Progress progress = new Progress(err)) {
      PrintWriter sink = out != null ? out : spec.commandLine().getOut();
      ObjectWriter line = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
      if (format == Format.csv) {
        sink.println(CSV_HEADER);
      }
      long start = System.nanoTime();
      for (long k = 0; k < samples; k++) {
        long wait = start + (long) (k * every * 1e9) - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
          err.println("memdiff: watch: PID " + pid + " exited after " + taken.size() + " sample(s)");
          break;
        }
        Sample s = sample(ProcessSnapshot.take(jvm, pid), (System.nanoTime() - start) / 1e9);
        taken.add(s);
        sink.println(format == Format.csv ? csv(s) : line.writeValueAsString(s));
        sink.flush();
        progress.step(String.format(Locale.ROOT, "memdiff: watch: sample %d of %d, rss %s", k + 1, samples,
            s.rssBytes() == null ? "unknown" : Sizes.human(s.rssBytes())));
      }
    } catch (CaptureFailure e) {
      err.println("memdiff: " + e.getMessage());
      return e.exitCode();
    } catch (IOException e) {
      if (outFile != null && e.getMessage() != null && e.getMessage().contains(outFile.toString())) {
        err.println("memdiff: cannot write " + outFile + ": " + LiveJvm.oneLine(e.getMessage()));
        return ExitCodes.WRITE;
      }
      throw e;
    }
    new WatchVerdict(pid, duration).print(taken, outFile == null ? err : spec.commandLine().getOut(), outFile == null);
    return ExitCodes.OK;
  }

  private static Sample sample(ProcessRecord r, double seconds) {
    Long nmt = r.nmt() == null ? null : r.nmt().values().stream().mapToLong(Long::longValue).sum();
    return new Sample(r.time(), Math.round(seconds * 1000) / 1000.0, r.rssBytes(), r.rssAnonBytes(), r.heapUsedBytes(),
        r.heapCommittedBytes(), r.metaspaceBytes(), r.directBytes(), r.threads(), nmt);
  }

  private static String csv(Sample s) {
    return String.join(",", s.time(), Double.toString(s.seconds()), cell(s.rssBytes()), cell(s.rssAnonBytes()),
        cell(s.heapUsedBytes()), cell(s.heapCommittedBytes()), cell(s.metaspaceBytes()), cell(s.directBytes()),
        cell(s.threads()), cell(s.nmtCommittedBytes()));
  }

  /** An empty cell for a figure the platform did not give: absent, not zero. */
  private static String cell(Number n) {
    return n == null ? "" : n.toString();
  }
}
