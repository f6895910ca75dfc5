package io.github.multiref.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.multiref.api.spi.ParameterSpec;
import io.github.multiref.runtime.Registered;
import io.github.multiref.runtime.Registries;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref plugins}: every registered component by kind and name, with its origin. */
@Command(
    name = "plugins",
    header = "List every registered component by kind and name, with its origin.",
    mixinStandardHelpOptions = true,
    description = "List every registered component by kind and name, with where it came from"
        + " (built-in, or the jar of the plugin that contributed it).")
final class PluginsCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  enum Format { text, json }

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--format", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws Exception {
    Registries registries = parent.registries(parent.effectiveOptions(this));
    PrintWriter out = parent.main().out();
    if (format == Format.json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      out.println(mapper.writeValueAsString(asJson(registries)));
    } else {
      printTable(registries, out);
    }
    out.flush();
    return 0;
  }

  private static List<Map<String, Object>> asJson(Registries registries) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Registered<?> r : registries.all()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kind", r.kind().label());
      row.put("name", r.name());
      row.put("builtIn", r.origin().builtIn());
      row.put("origin", r.origin().location());
      row.put("pluginClass", r.origin().pluginClass());
      row.put("description", r.factory().description());
      List<Map<String, String>> params = new ArrayList<>();
      for (ParameterSpec p : r.factory().parameters()) {
        params.add(Map.of("name", p.name(), "default", p.defaultValue(),
            "description", p.description()));
      }
      row.put("parameters", params);
      rows.add(row);
    }
    return rows;
  }

  private static void printTable(Registries registries, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"KIND", "NAME", "ORIGIN", "DESCRIPTION"});
    for (Registered<?> r : registries.all()) {
      StringBuilder name = new StringBuilder(r.name());
      for (ParameterSpec p : r.factory().parameters()) {
        name.append(name.indexOf(":") < 0 ? ":" : ",")
            .append(p.name()).append('=').append(p.defaultValue());
      }
      rows.add(new String[] {r.kind().label(), name.toString(), r.origin().location(),
          r.factory().description()});
    }
    int[] width = new int[3];
    for (String[] row : rows) {
      for (int c = 0; c < width.length; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      out.printf("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n",
          (Object[]) row);
    }
  }
}
