package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An allocation site whose objects two holders keep is named by the same path whatever addresses
 * the objects have: the first of them the search from the roots reaches, not the lowest address,
 * which in a Ruby dump is a heap slot the collector chose.
 */
class RubySiteAddressesTest {
  @TempDir
  Path dir;

  /** Modules Alpha and Beta each hold an Array with one Item allocated at app.rb:9. */
  private Path dump(String name, String alphasItem, String betasItem) throws IOException {
    String lines = """
        {"type":"ROOT", "root":"vm", "references":["0x2000", "0x2100"]}
        {"address":"0x2000", "type":"MODULE", "class":"0x2008", "name":"Alpha", "references":["0x2200"], "memsize":100}
        {"address":"0x2008", "type":"CLASS", "class":"0x2500", "singleton":true, "references":[], "memsize":100}
        {"address":"0x2100", "type":"MODULE", "class":"0x2108", "name":"Beta", "references":["0x2300"], "memsize":100}
        {"address":"0x2108", "type":"CLASS", "class":"0x2500", "singleton":true, "references":[], "memsize":100}
        {"address":"0x2200", "type":"ARRAY", "class":"0x2500", "length":1, "references":["A"], "file":"app.rb", "line":1, "memsize":40}
        {"address":"0x2300", "type":"ARRAY", "class":"0x2500", "length":1, "references":["B"], "file":"app.rb", "line":2, "memsize":40}
        {"address":"0x2400", "type":"CLASS", "class":"0x2408", "name":"Item", "references":[], "memsize":300}
        {"address":"0x2408", "type":"CLASS", "class":"0x2500", "singleton":true, "references":[], "memsize":100}
        {"address":"0x2500", "type":"CLASS", "class":"0x2508", "name":"Array", "references":[], "memsize":500}
        {"address":"0x2508", "type":"CLASS", "class":"0x2500", "singleton":true, "references":[], "memsize":100}
        {"address":"A", "type":"OBJECT", "class":"0x2400", "references":[], "file":"app.rb", "line":9, "memsize":40}
        {"address":"B", "type":"OBJECT", "class":"0x2400", "references":[], "file":"app.rb", "line":9, "memsize":56}
        """.replace("\"A\"", "\"" + alphasItem + "\"").replace("\"B\"", "\"" + betasItem + "\"");
    Path dump = dir.resolve(name);
    Files.writeString(dump, lines);
    return dump;
  }

  private JsonNode sites(Path dump) throws IOException {
    Path out = dir.resolve(dump.getFileName() + ".sites.json");
    Cli r = Cli.run("summarize", "-o", out.toString(), dump.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode sites = Json.MAPPER.readTree(out.toFile()).path("sites");
    for (JsonNode s : sites) {
      ((ObjectNode) s).remove("examples");
    }
    return sites;
  }

  @Test
  void aSiteHeldFromTwoPlacesIsNamedByTheSamePathWhicheverObjectHasTheLowerAddress() throws IOException {
    JsonNode betaLower = sites(dump("beta-lower.json", "0x3100", "0x3000"));
    JsonNode alphaLower = sites(dump("alpha-lower.json", "0x3000", "0x3100"));
    JsonNode item = null;
    for (JsonNode s : betaLower) {
      if (s.path("key").asText().equals("Item @ app.rb:9")) {
        item = s;
      }
    }
    assertThat(item).isNotNull();
    assertThat(item.path("count").asLong()).isEqualTo(2);
    assertThat(item.path("shallow_bytes").asLong()).isEqualTo(40 + 56);
    // Alpha is the first named module the search takes (roots in name order), so its Item is met first.
    assertThat(item.path("path").get(0).path("edge").asText()).isEqualTo("module Alpha");
    assertThat(betaLower).isEqualTo(alphaLower);
  }
}
