package io.memdiff.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The diff as one self-contained HTML page: the JSON document embedded as data and drawn by the
 * page's own script and styles, so the file opens anywhere without a network. The page's content
 * security policy allows only that script and those styles (by hash) and no requests at all, so a
 * name from the dump that somehow became markup could neither run nor load anything.
 */
final class HtmlReport {
  private static final String RESOURCES = "/io/memdiff/cli/report/";
  private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");

  private HtmlReport() {}

  static void write(PrintWriter out, DiffRenderer.Document document) {
    out.print(page(document));
  }

  static String page(DiffRenderer.Document document) {
    String css = resource("report.css");
    String js = resource("report.js");
    String csp = "default-src 'none'; script-src " + hash(js) + "; style-src " + hash(css)
        + "; img-src data:; base-uri 'none'; form-action 'none'";
    Map<String, String> slots = Map.of("csp", csp, "css", css, "js", js, "data", ScriptJson.write(document));
    // One pass over the template, so text that lands in a slot is never searched for slots itself.
    Matcher m = SLOT.matcher(resource("report.html"));
    StringBuilder page = new StringBuilder();
    while (m.find()) {
      String value = slots.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("report.html has an unknown slot " + m.group());
      }
      m.appendReplacement(page, Matcher.quoteReplacement(value));
    }
    m.appendTail(page);
    return page.toString();
  }

  /** A CSP source that allows exactly this inline script or style. */
  private static String hash(String content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
