package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsCommandTest {

  @Test
  void listsEveryBuiltInByKindAndNameWithItsOrigin() {
    CliRunner.Result r = CliRunner.run("plugins");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("KIND").contains("NAME", "ORIGIN", "DESCRIPTION");
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("divergence\\s+reverse-kl\\s+built-in\\s+KL\\(pi\\|\\|ref\\).*"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("divergence\\s+alpha:a=0.5\\s+built-in\\s+.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("reference-combiner\\s+escort\\s+built-in\\s+.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("solver\\s+forward-kl-implicit:tolerance=1e-15,max-iterations=100\\s+built-in\\s+.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("preference-model\\s+thurstone:s=1\\s+built-in\\s+.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("bound-calculator\\s+rkl-suboptimality\\s+built-in\\s+.*"));
    // a header, 6 divergences, 4 combiners, 2 preference models, 5 solvers, 4 bounds
    assertThat(lines).hasSize(1 + 6 + 4 + 2 + 5 + 4);
  }

  @Test
  void writesJsonWithParameters() throws Exception {
    CliRunner.Result r = CliRunner.run("plugins", "--format", "json");
    assertThat(r.exitCode()).isZero();
    JsonNode rows = new ObjectMapper().readTree(r.out());
    List<String> names = new ArrayList<>();
    rows.forEach(n -> names.add(n.get("kind").asText() + "/" + n.get("name").asText()));
    assertThat(names).contains("divergence/forward-kl", "reference-combiner/power-mean");
    JsonNode alpha = null;
    for (JsonNode n : rows) {
      if (n.get("name").asText().equals("alpha")) {
        alpha = n;
      }
    }
    assertThat(alpha).isNotNull();
    assertThat(alpha.get("builtIn").asBoolean()).isTrue();
    assertThat(alpha.get("origin").asText()).isEqualTo("built-in");
    assertThat(alpha.get("parameters").get(0).get("name").asText()).isEqualTo("a");
    assertThat(alpha.get("parameters").get(0).get("default").asText()).isEqualTo("0.5");
  }

  @Test
  void aMissingPluginDirectoryIsOneLineAndExitCodeOne(@TempDir Path tmp) {
    Path missing = tmp.resolve("missing");
    CliRunner.Result r = CliRunner.run("plugins", "--plugin-dir", missing.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("multiref: error: plugin directory " + missing
        + " does not exist or is not a directory" + System.lineSeparator());
  }

  @Test
  void theEnvironmentVariableIsUsedWhenNoDirectoryIsGiven(@TempDir Path tmp) {
    Path missing = tmp.resolve("from-env");
    CliRunner.Result r = CliRunner.run(Map.of("MULTIREF_PLUGINS", missing.toString()), "plugins");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("plugin directory " + missing + " does not exist");
    // an explicit directory wins over the environment, before or after the command's name
    CliRunner.Result explicit = CliRunner.run(Map.of("MULTIREF_PLUGINS", missing.toString()),
        "--plugin-dir", tmp.toString(), "plugins");
    assertThat(explicit.exitCode()).isZero();
  }

  @Test
  void verboseAddsTheStackTrace(@TempDir Path tmp) {
    CliRunner.Result r = CliRunner.run("plugins", "--verbose", "--plugin-dir",
        tmp.resolve("x").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("multiref: error: plugin directory")
        .contains("PluginConfigurationException", "\tat ");
  }

  @Test
  void usageErrorsExitWithTwo() {
    CliRunner.Result none = CliRunner.run();
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("a command is required (see --help)").contains("Usage:");
    CliRunner.Result unknown = CliRunner.run("frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument at index 0: 'frobnicate'");
    CliRunner.Result badFormat = CliRunner.run("plugins", "--format", "xml");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("Invalid value for option '--format'");
  }

  @Test
  void printsHelpAndVersion() {
    assertThat(CliRunner.run("--help").out()).contains("plugins");
    assertThat(CliRunner.run("--version").out()).startsWith("multiref ");
  }
}
