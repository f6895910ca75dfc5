package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Optima of the multi-reference problem computed elsewhere, in high precision, read from a text
 * resource: one case per line, {@code ;}-separated fields {@code divergence; beta; weights;
 * reward; references (K rows separated by |); log policy; objective; lambda; span}, numbers
 * separated by spaces, {@code -inf} for zero mass, and {@code #} comment lines saying where the
 * values came from. The kit's own file is written by {@code generate.py} beside it (mpmath, from
 * the textbook KKT conditions); a plugin author can add a divergence to that script and pass its
 * output to {@link DivergenceContract#referenceOptima()}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ReferenceOptima {

  /** One case: a problem without its divergence, and the optimum the divergence gives it. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public static final class Case {
    private final String divergence;
    private final ReferenceSet references;
    private final double[] reward;
    private final double beta;
    private final double[] logPolicy;
    private final double objective;
    private final double span;

    private Case(String divergence, ReferenceSet references, double[] reward, double beta,
        double[] logPolicy, double objective, double span) {
      this.divergence = divergence;
      this.references = references;
      this.reward = reward;
      this.beta = beta;
      this.logPolicy = logPolicy;
      this.objective = objective;
      this.span = span;
    }

    /** The divergence's name, as its {@code toString()} gives it. */
    public String divergence() {
      return divergence;
    }

    /** The case's problem regularized by {@code f}. */
    public RegularizedProblem problem(Divergence f) {
      return RegularizedProblem.of(references, reward, beta, f);
    }

    /** A copy of the optimal policy's log-probabilities. */
    public double[] logPolicy() {
      return logPolicy.clone();
    }

    /** The optimal objective. */
    public double objective() {
      return objective;
    }

    /** The largest {@code -log pi_i(y)} of the references, in nats. */
    public double span() {
      return span;
    }
  }

  private ReferenceOptima() {}

  /** The cases of {@code resource} (on the class path of {@code anchor}) for one divergence. */
  public static List<Case> read(Class<?> anchor, String resource, String divergence) {
    InputStream in = anchor.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("no resource " + resource + " next to " + anchor);
    }
    List<Case> cases = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8))) {
      int line = 0;
      for (String text = r.readLine(); text != null; text = r.readLine()) {
        line++;
        if (text.isBlank() || text.startsWith("#")) {
          continue;
        }
        String[] field = text.split(";", -1);
        if (field.length != 9) {
          throw new IllegalArgumentException(resource + " line " + line + ": expected 9 fields,"
              + " got " + field.length);
        }
        if (field[0].equals(divergence)) {
          cases.add(parse(field));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  private static Case parse(String[] field) {
    double beta = Double.parseDouble(field[1]);
    double[] weights = numbers(field[2]);
    double[] reward = numbers(field[3]);
    List<LogDistribution> refs = new ArrayList<>();
    for (String row : field[4].split("\\|")) {
      refs.add(LogDistribution.of(numbers(row), 1e-9));
    }
    ReferenceSet set = ReferenceSet.of("reference-optimum", refs, weights);
    return new Case(field[0], set, reward, beta, numbers(field[5]),
        Double.parseDouble(field[6]), Double.parseDouble(field[8]));
  }

  private static double[] numbers(String text) {
    return Arrays.stream(text.trim().split("\\s+"))
        .mapToDouble(s -> s.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(s))
        .toArray();
  }
}
