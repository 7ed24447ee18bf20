package io.memdiff.cli;

import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import io.memdiff.diff.PathStep;
import io.memdiff.engine.MemoryAccount;
import java.io.Writer;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The diff as JUnit XML, the report Jenkins, GitLab and GitHub's test reporters read: one test suite
 * {@code memdiff}, one test case per finding, failed when the finding crosses a gate, and one more
 * for the heap when {@code --fail-on-total-growth} is given. A test case is named by the finding's
 * key, so that reporters follow one finding from build to build whatever its shape or bytes.
 */
final class JUnitReport {
  private final Gates gates;

  JUnitReport(Gates gates) {
    this.gates = gates;
  }

  /** @param verdict the process's memory, a test case of its own under {@code --fail-on-growth-outside-heap} */
  void write(Writer out, DiffReport report, List<Finding> findings, MemoryAccount.Verdict verdict) {
    String heapFailure = gates.crossed(report.heap());
    String outsideFailure = gates.crossed(verdict);
    int failures = (heapFailure != null ? 1 : 0) + (outsideFailure != null ? 1 : 0);
    for (Finding f : findings) {
      failures += gates.crossed(f) != null ? 1 : 0;
    }
    int tests = findings.size() + (gates.totalGrowthBytes() != null ? 1 : 0)
        + (gates.outsideHeapGrowthBytes() != null ? 1 : 0);
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuite");
      xml.writeAttribute("name", "memdiff");
      xml.writeAttribute("tests", Integer.toString(tests));
      xml.writeAttribute("failures", Integer.toString(failures));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("skipped", "0");
      for (Finding f : findings) {
        String crossed = gates.crossed(f);
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", xmlSafe(f.key()));
        xml.writeAttribute("classname", xmlSafe(f.className()));
        String line = f.shape().label() + "  " + xmlSafe(f.className()) + "  " + DiffRenderer.signed(f.growthObjects())
            + " objects  " + DiffRenderer.signed(f.growthBytes()) + " bytes  counts " + DiffRenderer.join(f.counts());
        if (crossed != null) {
          xml.writeCharacters("\n    ");
          xml.writeStartElement("failure");
          xml.writeAttribute("message", crossed + ": " + line);
          xml.writeAttribute("type", crossed.equals("leak") ? "leak" : "growth");
          xml.writeCharacters(details(f));
          xml.writeEndElement();
        }
        xml.writeCharacters("\n    ");
        xml.writeStartElement("system-out");
        xml.writeCharacters(line + "\n" + details(f));
        xml.writeEndElement();
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
      }
      if (gates.totalGrowthBytes() != null) {
        DiffReport.Heap h = report.heap();
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", "heap total growth");
        xml.writeAttribute("classname", "memdiff.heap");
        if (heapFailure != null) {
          xml.writeStartElement("failure");
          xml.writeAttribute("message", heapFailure);
          xml.writeAttribute("type", "total-growth");
          xml.writeCharacters("bytes " + DiffRenderer.join(h.bytes()) + ", objects " + DiffRenderer.join(h.objects()));
          xml.writeEndElement();
        }
        xml.writeEndElement();
      }
      if (gates.outsideHeapGrowthBytes() != null) {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", "process growth outside the heap");
        xml.writeAttribute("classname", "memdiff.process");
        if (outsideFailure != null) {
          xml.writeStartElement("failure");
          xml.writeAttribute("message", outsideFailure);
          xml.writeAttribute("type", "growth-outside-heap");
          xml.writeEndElement();
        }
        xml.writeEndElement();
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.writeCharacters("\n");
      xml.flush();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("the JDK's XML writer failed on a plain Writer", e);
    }
  }

  /**
   * The finding's site, owner and the owner's path, one per line, as a reporter shows a failure's
   * trace; each name made safe for XML on its own, so that a name's line break stays escaped.
   */
  private static String details(Finding f) {
    StringBuilder s = new StringBuilder();
    s.append(xmlSafe(f.site())).append('\n');
    if (!f.ownerPath().isEmpty()) {
      s.append("held by ").append(xmlSafe(f.owner())).append('\n');
      for (PathStep step : f.ownerPath()) {
        s.append("  path  ").append(xmlSafe(step.edge())).append("  ").append(xmlSafe(step.className())).append('\n');
      }
    }
    s.append("bytes ").append(DiffRenderer.join(f.bytes())).append('\n');
    return s.toString();
  }

  /**
   * A name from the dump as text XML 1.0 can hold: a dump's names may carry control characters, which
   * no XML document may contain even escaped, so each is replaced by its backslash-u escape (as text
   * output shows it), and any other character XML forbids (U+FFFE, U+FFFF, a lone surrogate) by U+FFFD.
   */
  static String xmlSafe(String name) {
    String safe = Text.safe(name);
    StringBuilder out = new StringBuilder(safe.length());
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < safe.length() && Character.isLowSurrogate(safe.charAt(i + 1))) {
        out.append(c).append(safe.charAt(++i));
      } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
