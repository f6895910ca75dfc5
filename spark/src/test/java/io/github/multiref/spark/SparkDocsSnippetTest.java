package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/spark.md's Java block compiles with its own imports and runs on this class's session (the
 * integration tests check every other document's blocks, without Spark). Its relative paths are
 * pointed into a directory of test tables; what it writes is read back.
 */
class SparkDocsSnippetTest {

  private static SparkSession spark;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theJavaBlockOfSparkMdCompilesAndRuns() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("multiref.sparkDoc")));
    Matcher block = Pattern.compile("(?s)```java\\n(.*?)```").matcher(doc);
    assertThat(block.find()).as("a java block in docs/spark.md").isTrue();
    StringBuilder unit = new StringBuilder("package docs;\n");
    StringBuilder body = new StringBuilder();
    for (String line : block.group(1).split("\n")) {
      if (line.startsWith("import ")) {
        unit.append(line).append('\n');
      } else {
        body.append(line.replaceAll("\"(\\w+)/\"", "\"" + dir.toString().replace("\\", "/")
            + "/$1/\"")).append('\n');
      }
    }
    unit.append("public final class SparkMd {\n  public static void run() throws Exception {\n")
        .append(body).append("  }\n}\n");
    writeInputs();

    Path src = Files.createDirectories(dir.resolve("src/docs"));
    Files.writeString(src.resolve("SparkMd.java"), unit.toString(), StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, "-d",
        classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none",
        src.resolve("SparkMd.java").toString());
    assertThat(status).as("javac on docs/spark.md's block:%n%s%n%s", diagnostics, unit).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      loader.loadClass("docs.SparkMd").getMethod("run").invoke(null);
    }
    assertThat(spark.read().parquet(dir.resolve("scores").toString()).count()).isEqualTo(200);
    assertThat(spark.read().parquet(dir.resolve("solved").toString()).count()).isEqualTo(20);
    assertThat(spark.read().parquet(dir.resolve("checked").toString()).count()).isEqualTo(200);
    assertThat(spark.read().parquet(dir.resolve("refused").toString()).count()).isZero();
  }

  /** The tables the block reads: pairs with features for their responses, and prompts. */
  private static void writeInputs() {
    SparkTestSupport.pairs(spark, 200, 2, 3).write().parquet(dir.resolve("pairs").toString());
    SparkTestSupport.prompts(spark, 20, 2, 4).write().parquet(dir.resolve("prompts").toString());
    List<org.apache.spark.sql.Row> features = new ArrayList<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int p = 0; p < 200; p++) {
      for (String side : new String[] {"chosen ", "rejected "}) {
        features.add(RowFactory.create("prompt " + p, side + p, List.of(random.nextDouble(),
            random.nextDouble(), random.nextDouble())));
      }
    }
    spark.createDataFrame(features, new StructType().add("prompt", DataTypes.StringType)
        .add("response", DataTypes.StringType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType)))
        .write().parquet(dir.resolve("features").toString());
  }
}
