package io.memdiff.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Optional;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A running JVM on this machine, reached through the JDK's attach API and its management beans
 * (HotSpotDiagnostic, DiagnosticCommand): what {@code jcmd PID GC.heap_dump …} and
 * {@code jcmd PID JFR.dump …} do.
 */
final class LiveJvm implements AutoCloseable {
  private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
  private final long pid;
  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final ObjectName commands;

  private LiveJvm(long pid, JMXConnector connector) throws IOException {
    this.pid = pid;
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
    try {
      this.commands = new ObjectName(DIAGNOSTIC_COMMAND);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Attaches to the JVM of this process id. A process that is not a JVM is never attached to: the
   * attach mechanism signals its target, which only a JVM expects.
   */
  static LiveJvm attach(long pid) throws CaptureFailure {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      throw new CaptureFailure("no process with PID " + pid + " on this machine", ExitCodes.USAGE);
    }
    String me = System.getProperty("user.name");
    Optional<String> owner = process.get().info().user();
    if (owner.isPresent() && me != null && !owner.get().equals(me) && !me.equals("root")) {
      throw new CaptureFailure("PID " + pid + " belongs to user " + owner.get() + ", not " + me
          + ": run memdiff capture as that user (a JVM lets only its own user attach)", ExitCodes.USAGE);
    }
    if (!isJvm(pid, process.get())) {
      throw new CaptureFailure("PID " + pid + " is not a Java virtual machine ("
          + process.get().info().command().orElse("its command is unknown") + ")", ExitCodes.USAGE);
    }
    String address;
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      return new LiveJvm(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } catch (AttachNotSupportedException | IOException e) {
      throw new CaptureFailure("cannot attach to the JVM of PID " + pid + ": " + oneLine(e.getMessage())
          + " (is it a HotSpot JVM of this user, started without -XX:+DisableAttachMechanism?)", ExitCodes.USAGE);
    }
  }

  private static boolean isJvm(long pid, ProcessHandle process) {
    for (VirtualMachineDescriptor d : VirtualMachine.list()) {
      if (d.id().equals(Long.toString(pid))) {
        return true;
      }
    }
    // A JVM started with -XX:-UsePerfData is not listed; its command still names the launcher.
    return process.info().command().map(c -> c.endsWith("/java") || c.equals("java")).orElse(false);
  }

  /** Runs a diagnostic command (its MBean operation name, e.g. gcHeapDump) and returns what it printed. */
  String run(String operation, String... arguments) throws CaptureFailure {
    try {
      Object out = server.invoke(commands, operation, new Object[] {arguments}, new String[] {String[].class.getName()});
      return out == null ? "" : out.toString();
    } catch (JMException | IOException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CaptureFailure("PID " + pid + ": " + operation + " failed: " + oneLine(cause.getMessage()),
          ExitCodes.USAGE);
    }
  }

  /**
   * Writes a heap dump of live objects (the JVM collects first) to {@code file}, which must not exist;
   * returns null, or what went wrong in the JVM's words. Through HotSpotDiagnosticMXBean: the
   * DiagnosticCommand MBean does not offer GC.heap_dump (only jcmd does).
   */
  String heapDump(Path file) {
    try {
      HotSpotDiagnosticMXBean bean = ManagementFactory.newPlatformMXBeanProxy(server,
          "com.sun.management:type=HotSpotDiagnostic", HotSpotDiagnosticMXBean.class);
      bean.dumpHeap(file.toString(), true);
      return null;
    } catch (IOException | RuntimeException e) {
      Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
      return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
  }

  /** The JVM's platform beans, for figures no diagnostic command gives. */
  MBeanServerConnection connection() {
    return server;
  }

  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // the JVM may have exited meanwhile; nothing to release on this side
    }
  }
}
