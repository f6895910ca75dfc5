package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.multiref.api.spi.MultirefPlugin;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Every {@code ```java} block of the README and of {@code docs/*.md} compiles, with its own imports only, and runs: a
 * block of statements runs as a method body; a plugin class is instantiated and asked for its
 * factories; a contract-test class is run by the JUnit launcher. The one thing supplied is the
 * {@code MyDivergence} the plugin snippets assume the reader wrote (the plugin starter's
 * divergence, examples/plugin-starter), so the README cannot rot.
 */
class ReadmeSnippetsTest {

  private static final Pattern FENCE = Pattern.compile("(?m)^( *)```java\\n(.*?)^\\1```$",
      Pattern.DOTALL);
  private static final Pattern TYPE = Pattern.compile(
      "(?m)^(?:public |final |abstract )*(?:class|interface|record) (\\w+)");

  record Snippet(String file, int line, List<String> imports, String body) {}

  /** The snippets of the README, then of each document in {@code docs/}, in name order. */
  static List<Snippet> snippets(Path readme) throws IOException {
    List<Path> documents = new ArrayList<>(List.of(readme));
    try (var docs = Files.list(readme.resolveSibling("docs"))) {
      // docs/spark.md's blocks need Spark, which this module does not have: the spark module's
      // SparkDocsSnippetTest compiles and runs them on a Spark session
      docs.filter(d -> d.toString().endsWith(".md") && !d.getFileName().toString()
          .equals("spark.md")).sorted().forEach(documents::add);
    }
    List<Snippet> out = new ArrayList<>();
    for (Path d : documents) {
      String name = d == readme ? "README.md" : "docs/" + d.getFileName();
      out.addAll(snippets(name, Files.readString(d)));
    }
    return out;
  }

  static List<Snippet> snippets(String file, String readme) {
    List<Snippet> out = new ArrayList<>();
    Matcher m = FENCE.matcher(readme);
    while (m.find()) {
      String indent = m.group(1);
      List<String> imports = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      for (String raw : m.group(2).split("\n", -1)) {
        String line = raw.startsWith(indent) ? raw.substring(indent.length()) : raw;
        if (line.startsWith("import ")) {
          imports.add(line);
        } else {
          body.append(line).append('\n');
        }
      }
      int line = (int) readme.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
      out.add(new Snippet(file, line, imports, body.toString()));
    }
    return out;
  }

  @TempDir Path tmp;

  @Test
  void everyJavaBlockCompilesAndRuns() throws Exception {
    List<Snippet> snippets = snippets(Path.of(System.getProperty("multiref.readme")));
    assertThat(snippets).as("java blocks in the README and docs").hasSizeGreaterThanOrEqualTo(4);

    Path src = Files.createDirectories(tmp.resolve("src/readme"));
    // the divergence the plugin snippets assume: the plugin starter's, as package readme
    Path starter = Path.of(System.getProperty("multiref.starter"),
        "src/main/java/com/example/multiref/TriangularDiscrimination.java");
    Files.writeString(src.resolve("MyDivergence.java"), Files.readString(starter)
        .replace("package com.example.multiref;", "package readme;")
        .replace("TriangularDiscrimination", "MyDivergence"));
    List<String> statementClasses = new ArrayList<>();
    List<String> declaredTypes = new ArrayList<>();
    for (Snippet s : snippets) {
      StringBuilder unit = new StringBuilder("package readme;\n\n");
      s.imports().forEach(i -> unit.append(i).append('\n'));
      Matcher type = TYPE.matcher(s.body());
      String name;
      if (type.find()) {
        name = type.group(1);
        declaredTypes.add(name);
        unit.append("\n// ").append(s.file()).append(" line ").append(s.line()).append('\n')
            .append(s.body());
      } else {
        name = "Snippet" + s.file().replaceAll("\\W", "_") + "_" + s.line();
        statementClasses.add(name);
        unit.append("\n/** ").append(s.file()).append(" line ").append(s.line())
            .append(". */\npublic final class ")
            .append(name).append(" {\n  public static void run() throws Exception {\n")
            .append(s.body()).append("  }\n}\n");
      }
      Files.writeString(src.resolve(name + ".java"), unit.toString(), StandardCharsets.UTF_8);
    }

    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none"));
    try (var files = Files.list(src)) {
      files.forEach(f -> args.add(f.toString()));
    }
    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    assertThat(status).as("javac on the README's snippets:%n%s", diagnostics).isZero();

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      for (String name : statementClasses) {
        loader.loadClass("readme." + name).getMethod("run").invoke(null);
      }
      int plugins = 0;
      int contracts = 0;
      for (String name : declaredTypes) {
        Class<?> type = loader.loadClass("readme." + name);
        if (MultirefPlugin.class.isAssignableFrom(type)) {
          Constructor<?> c = type.getDeclaredConstructor();
          MultirefPlugin plugin = (MultirefPlugin) c.newInstance();
          assertThat(plugin.divergences()).as(name + " factories").isNotEmpty();
          plugins++;
        } else if (name.endsWith("Test")) {
          assertThat(runTests(type, loader)).as("tests of the README's %s", name)
              .satisfies(summary -> {
                assertThat(summary.getTestsFoundCount()).isGreaterThanOrEqualTo(10);
                // checks that do not apply to the divergence (no power form declared, no file
                // of reference values given) are skipped by assumption, never failed
                assertThat(summary.getTestsSucceededCount() + summary.getTestsAbortedCount())
                    .as("succeeded or skipped, failures: %s", summary.getFailures().stream()
                        .map(f -> f.getTestIdentifier().getDisplayName() + ": "
                            + f.getException().getMessage()).toList())
                    .isEqualTo(summary.getTestsFoundCount());
                assertThat(summary.getTestsAbortedCount()).as("skipped").isLessThanOrEqualTo(3);
              });
          contracts++;
        }
      }
      assertThat(plugins).as("plugin snippets run").isPositive();
      assertThat(contracts).as("contract-test snippets run").isPositive();
    }
  }

  private static TestExecutionSummary runTests(Class<?> type, ClassLoader loader)
      throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(type))
          .build(), listener);
      return listener.getSummary();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
