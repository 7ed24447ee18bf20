package io.memdiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field lists of {@code docs/json.md}, read as {@link JsonGoldenTest} compares them with the
 * golden files. A section ({@code ##} or {@code ###} heading) documents the outputs of the golden
 * files it links to ({@code golden/NAME.json}); each row of its tables whose first cell is a field
 * path in backquotes ({@code findings[].owner_path[].edge}: {@code .} into an object, {@code []} into
 * an array's elements) documents one field. A type cell that says {@code optional} marks a field that not every
 * output has; one that says {@code map} marks an object whose keys are data, not fields.
 */
final class JsonDoc {
  record Section(String heading, List<String> goldens, Map<String, String> fields) {
    /** Fields every output of the section has. */
    Set<String> required() {
      Set<String> out = new TreeSet<>();
      fields.forEach((field, type) -> {
        if (!type.contains("optional")) {
          out.add(field);
        }
      });
      return out;
    }

    /** Fields whose keys are data. */
    Set<String> maps() {
      Set<String> out = new TreeSet<>();
      fields.forEach((field, type) -> {
        if (type.contains("map")) {
          out.add(field);
        }
      });
      return out;
    }
  }

  private static final Pattern GOLDEN = Pattern.compile("golden/([\\w.-]+\\.json)");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|([^|]*)\\|");

  private JsonDoc() {}

  /**
   * The sections that link to golden files, in the document's order. A {@code ###} subsection's
   * fields are its own and those its {@code ##} section lists before the first subsection.
   */
  static List<Section> parse(String markdown) {
    List<Section> sections = new ArrayList<>();
    Part group = null;
    Part sub = null;
    for (String line : (markdown + "\n## end").lines().toList()) {
      if (line.startsWith("## ") || line.startsWith("### ")) {
        if (sub != null) {
          sub.addTo(sections, group == null ? Map.of() : group.fields);
        }
        sub = null;
        if (line.startsWith("### ")) {
          sub = new Part(line.substring(4).strip());
          continue;
        }
        if (group != null) {
          group.addTo(sections, Map.of());
        }
        group = new Part(line.substring(3).strip());
        continue;
      }
      if (sub != null) {
        sub.read(line);
      } else if (group != null) {
        group.read(line);
      }
    }
    return sections;
  }

  /** A heading's golden files and field rows, as they are read. */
  private static final class Part {
    final String heading;
    final List<String> goldens = new ArrayList<>();
    final Map<String, String> fields = new LinkedHashMap<>();

    Part(String heading) {
      this.heading = heading;
    }

    void read(String line) {
      Matcher g = GOLDEN.matcher(line);
      while (g.find()) {
        if (!goldens.contains(g.group(1))) {
          goldens.add(g.group(1));
        }
      }
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        fields.put(row.group(1), row.group(2).strip());
      }
    }

    void addTo(List<Section> sections, Map<String, String> inherited) {
      if (goldens.isEmpty()) {
        return;
      }
      Map<String, String> all = new LinkedHashMap<>(inherited);
      all.putAll(fields);
      sections.add(new Section(heading, List.copyOf(goldens), all));
    }
  }

  /** Every field path of a document, named as the tables name them; keys of {@code maps} are not fields. */
  static Set<String> fieldsOf(JsonNode document, Set<String> maps) {
    Set<String> out = new TreeSet<>();
    collect(document, "", maps, out);
    return out;
  }

  private static void collect(JsonNode node, String path, Set<String> maps, Set<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        out.add(field);
        if (!maps.contains(field)) {
          collect(e.getValue(), field, maps, out);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        collect(element, path + "[]", maps, out);
      }
    }
  }
}
