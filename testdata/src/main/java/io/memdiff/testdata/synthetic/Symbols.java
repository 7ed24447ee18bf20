package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The dump's UTF8 records: each distinct text written once, under small ids as HotSpot's symbol ids. */
final class Symbols {
  private final Map<String, Long> ids = new HashMap<>();
  private long next = 1;

  /** Writes the text's UTF8 record unless it was written already; returns its id. */
  long write(HprofSink out, String text) throws IOException {
    Long known = ids.get(text);
    if (known != null) {
      return known;
    }
    long id = next++;
    ids.put(text, id);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.u1(Hprof.UTF8).u4(0).u4(out.idSize() + bytes.length).id(id).bytes(bytes);
    return id;
  }

  long id(String text) {
    Long id = ids.get(text);
    if (id == null) {
      throw new IllegalStateException("no UTF8 record written for " + text);
    }
    return id;
  }
}
