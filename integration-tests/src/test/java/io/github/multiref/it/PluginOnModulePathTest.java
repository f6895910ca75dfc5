package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.spi.MultirefPlugin;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin built as its author builds it against the published {@code multiref-api} jar on the
 * module path: it compiles against {@code io.github.multiref.api} and {@code .api.spi} alone, it
 * cannot compile against the project's kernels, and when it runs, ServiceLoader finds it while
 * every public member of the api's other packages is out of its reach, reflection included.
 */
class PluginOnModulePathTest {

  @TempDir Path tmp;

  /** The api jar this build made (its classes directory under a bare 'mvn test'). */
  private static Path apiJar() throws URISyntaxException {
    return Path.of(MultirefPlugin.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
  }

  private static final String MODULE_INFO = """
      module example.plugin {
        requires io.github.multiref.api;
        uses io.github.multiref.api.spi.MultirefPlugin;
        provides io.github.multiref.api.spi.MultirefPlugin with example.plugin.ExamplePlugin;
      }
      """;

  private static final String PLUGIN = """
      package example.plugin;

      import io.github.multiref.api.Divergence;
      import io.github.multiref.api.spi.ComponentFactory;
      import io.github.multiref.api.spi.MultirefPlugin;
      import java.util.List;

      public final class ExamplePlugin implements MultirefPlugin {
        public ExamplePlugin() {}

        @Override
        public List<ComponentFactory<Divergence>> divergences() {
          return List.of(ComponentFactory.of("example-kl", "t log t", new Divergence() {
            public double f(double t) { return t == 0 ? 0 : t * Math.log(t); }
            public double fPrime(double t) { return Math.log(t) + 1; }
            public double fPrimeInverse(double u) { return Math.exp(u - 1); }
          }));
        }
      }
      """;

  /**
   * Finds itself by ServiceLoader, uses the exported api, then tries to reach every public method
   * (a method handle, then setAccessible), constructor and field of every class in the api jar
   * outside the exported packages.
   */
  private static final String MAIN = """
      package example.plugin;

      import io.github.multiref.api.Divergence;
      import io.github.multiref.api.LogDistribution;
      import io.github.multiref.api.LogMath;
      import io.github.multiref.api.spi.ComponentConfig;
      import io.github.multiref.api.spi.MultirefPlugin;
      import java.lang.invoke.MethodHandles;
      import java.lang.reflect.Field;
      import java.lang.reflect.Method;
      import java.lang.reflect.Modifier;
      import java.util.ServiceLoader;
      import java.util.Set;
      import java.util.jar.JarFile;

      public final class Main {
        public static void main(String[] args) throws Exception {
          for (MultirefPlugin p : ServiceLoader.load(MultirefPlugin.class)) {
            Divergence d = p.divergences().get(0).create(ComponentConfig.empty());
            LogDistribution a = LogDistribution.of(Math.log(0.25), Math.log(0.75));
            LogDistribution b = LogDistribution.uniform(2);
            System.out.println("found " + p.divergences().get(0).name() + " kl="
                + d.divergence(a, b) + " lse=" + LogMath.logSumExp(new double[] {0, 0}));
          }
          Module api = LogMath.class.getModule();
          Set<String> exported = Set.of("io.github.multiref.api", "io.github.multiref.api.spi");
          int classes = 0;
          int members = 0;
          int reached = 0;
          java.util.SortedSet<String> packages = new java.util.TreeSet<>();
          try (JarFile jar = new JarFile(args[0])) {
            for (var e : (Iterable<java.util.jar.JarEntry>) jar.stream()::iterator) {
              String name = e.getName();
              if (!name.endsWith(".class") || name.equals("module-info.class")) {
                continue;
              }
              String className = name.substring(0, name.length() - 6).replace('/', '.');
              String pkg = className.substring(0, className.lastIndexOf('.'));
              if (exported.contains(pkg)) {
                continue;
              }
              packages.add(pkg + " exported to this plugin: "
                  + api.isExported(pkg, Main.class.getModule()));
              Class<?> c = Class.forName(className, false, api.getClassLoader());
              if (!Modifier.isPublic(c.getModifiers())) {
                continue;
              }
              classes++;
              MethodHandles.Lookup lookup = MethodHandles.lookup();
              for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                  continue;
                }
                members++;
                reached += tried(() -> lookup.unreflect(m), m);
                reached += tried(() -> {
                  m.setAccessible(true);
                  return m;
                }, m);
              }
              for (var k : c.getConstructors()) {
                members++;
                reached += tried(() -> lookup.unreflectConstructor(k), k);
              }
              for (Field f : c.getFields()) {
                members++;
                reached += tried(() -> lookup.unreflectGetter(f), f);
              }
            }
          }
          packages.forEach(q -> System.out.println("package " + q));
          System.out.println("public classes outside the api packages: " + classes
              + ", public members tried: " + members + ", reached: " + reached);
        }

        interface Attempt {
          Object run() throws Exception;
        }

        /** 1 when the attempt reaches the member, 0 when the module system refuses it. */
        private static int tried(Attempt attempt, Object member) {
          try {
            attempt.run();
            System.out.println("REACHED " + member);
            return 1;
          } catch (IllegalAccessException | java.lang.reflect.InaccessibleObjectException refused) {
            return 0;
          } catch (Exception other) {
            System.out.println("REACHED " + member + ": " + other);
            return 1;
          }
        }
      }
      """;

  private static final String INTERNAL_USER = """
      package example.plugin;

      public final class UsesKernels {
        double dot(double[] a, double[] b) {
          return io.github.multiref.api.internal.ArrayKernels.dot(a, b, a.length);
        }
      }
      """;

  @Test
  void aPluginOnTheModulePathSeesTheApiPackagesAndNothingElse() throws Exception {
    Path api = apiJar();
    Path src = tmp.resolve("src");
    write(src.resolve("module-info.java"), MODULE_INFO);
    write(src.resolve("example/plugin/ExamplePlugin.java"), PLUGIN);
    write(src.resolve("example/plugin/Main.java"), MAIN);
    Path out = tmp.resolve("out");
    String compiled = compile(api, out, src);
    assertThat(compiled).as("javac against the published api").isEmpty();

    write(src.resolve("example/plugin/UsesKernels.java"), INTERNAL_USER);
    String refused = compile(api, tmp.resolve("out2"), src);
    assertThat(refused).contains("package io.github.multiref.api.internal is not visible")
        .contains("does not export it to module example.plugin");

    Path jar = api;
    if (Files.isDirectory(api)) { // a bare 'mvn test' resolves the api to its classes
      jar = tmp.resolve("api.jar");
      jarUp(api, jar);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", api + File.pathSeparator + out,
        "--module", "example.plugin/example.plugin.Main", jar.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    double kl = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
    assertThat(output).contains("found example-kl kl=" + kl + " lse=" + Math.log(2));
    assertThat(output).contains("package io.github.multiref.api.internal exported to this"
        + " plugin: false").doesNotContain("REACHED").doesNotContain("OPENED")
        .containsPattern("public classes outside the api packages: [1-9]\\d*, public members"
            + " tried: [1-9]\\d*, reached: 0");
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** javac's diagnostics, empty on success. */
  private static String compile(Path modulePath, Path out, Path src) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    // an empty class path: javac in this JVM would otherwise read the test's own class path
    List<String> args = new ArrayList<>(List.of("--release", "17", "--module-path",
        modulePath.toString(), "--class-path", out.toString(), "-d", out.toString()));
    try (var files = Files.walk(src)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
    }
    StringWriter diagnostics = new StringWriter();
    int rc = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        diagnostics.write(b);
      }
    }, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    return rc == 0 ? "" : diagnostics.toString();
  }

  private static void jarUp(Path classes, Path jar) throws IOException {
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new java.util.jar.JarEntry(
            classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
    try (JarFile check = new JarFile(jar.toFile())) {
      assertThat(check.getEntry("module-info.class")).isNotNull();
    }
  }
}
