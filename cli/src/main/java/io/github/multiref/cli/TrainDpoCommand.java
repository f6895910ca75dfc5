package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.Separation;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.PolicyClass;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref train-dpo}: a policy over each prompt's candidates, trained by DPO. */
@Command(
    name = "train-dpo",
    header = "Train a policy over each prompt's candidates by multi-reference DPO.",
    mixinStandardHelpOptions = true,
    description = {
        "Train a tabular or log-linear policy over each prompt's candidate responses by",
        "minimizing the multi-reference DPO loss over preference pairs (TRL's prompt, chosen,",
        "rejected), with every reference's log-probabilities of the candidates from",
        "--candidates (solve's fields without reward: prompt, responses, ref_logprobs).",
        "Writes one line per prompt: prompt, responses, policy_logprobs (normalized over the",
        "candidates)."})
final class TrainDpoCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Mixin DpoInputs in;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Output file (default: standard output). Written whole or not at all.")
  Path output;

  @Option(names = "--weights", paramLabel = "A1,...,AK", split = ",",
      description = "Reference weights alpha (default: uniform).")
  double[] weights;

  @Option(names = "--adaptive-weights",
      description = "MRPO's adaptive weights per pair instead of fixed ones.")
  boolean adaptive;

  @Option(names = "--l2", defaultValue = "0",
      description = "Ridge on the parameters, >= 0 (default: none).")
  double l2;

  /** The optimizers. */
  enum Optimizer { lbfgs, adam }

  @Option(names = "--optimizer", defaultValue = "lbfgs",
      description = "lbfgs (full batch, to --tolerance) or adam (seeded mini-batches)"
          + " (default: ${DEFAULT-VALUE}).")
  Optimizer optimizer;

  @Option(names = "--tolerance", defaultValue = "1e-10",
      description = "L-BFGS: largest gradient component, relative to max(1, |objective|)"
          + " (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--max-iterations", defaultValue = "10000",
      description = "L-BFGS iterations before it reports no convergence (default:"
          + " ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--learning-rate", defaultValue = "0.01",
      description = "Adam's step size (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--batch-size", defaultValue = "256",
      description = "Adam's pairs per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "100",
      description = "Adam's passes over the pairs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seed", defaultValue = "0",
      description = "Adam's shuffling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Output format: jsonl or parquet (default: from --output's name).")
  String format;

  /** The output's Parquet schema. */
  static final TableSchema OUTPUT = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
      new TableSchema.Column("policy_logprobs", TableSchema.Kind.DOUBLE_LIST, false)));

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    double[] alpha = weights == null ? null : CliIo.checkedWeights(weights);
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new InputException("--l2 must be finite and >= 0, got " + l2);
    }
    if (weights != null && adaptive) {
      throw new InputException("--weights and --adaptive-weights exclude each other");
    }
    Lbfgs lbfgs;
    DpoTrainer.Adam adam;
    try {
      lbfgs = Lbfgs.of(tolerance, maxIterations, 20);
      adam = new DpoTrainer.Adam(learningRate, batchSize, epochs);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
    TableFormat out = CliIo.outputFormat(output, format, false);
    DpoInputs.Loaded loaded = in.load(parent.registries(parent.effectiveOptions(this)));
    List<DpoInputs.Candidates> cands = loaded.candidates();
    DpoData data = loaded.data();
    int k = data.references();
    if (alpha != null && alpha.length != k) {
      throw new InputException("--weights has " + alpha.length + " entries but the candidates"
          + " have " + k + " references");
    }
    if (in.policy == DpoInputs.Policy.tabular && l2 == 0) {
      checkIdentified(loaded.preferences(), cands, loaded.pairs());
    }
    PolicyClass policyClass = loaded.policyFor(data);
    MultiReferenceDpo scorer = MultiReferenceDpo.of(loaded.divergence(), in.beta, loaded.loss(),
        adaptive ? ReferenceWeighting.adaptive()
            : ReferenceWeighting.fixed(alpha != null ? alpha : uniform(k)));
    DpoTrainer.Trained trained;
    try (Progress progress = Progress.start(parent.main().err(), "multiref train-dpo",
        optimizer == Optimizer.adam ? "epochs" : null)) {
      trained = optimizer == Optimizer.lbfgs
          ? DpoTrainer.lbfgs(data, policyClass, scorer, l2, lbfgs)
          : DpoTrainer.adam(data, policyClass, scorer, l2, adam, new SplittableRandom(seed),
              e -> progress.add(1));
    } catch (ArithmeticException e) {
      throw new ArithmeticException("training did not converge: " + e.getMessage()
          + (l2 == 0 ? "; pairs that a policy of this class can order perfectly have no finite"
          + " optimum without a ridge (--l2)" : ""));
    }
    write(out, cands, trained);
    parent.main().err().printf(Locale.ROOT, "multiref train-dpo: %d pairs, %d prompts, policy %s"
        + " (%d parameters), divergence %s, loss %s, %s: objective %.10g (%.6g per pair),"
        + " %d %s, gradient %.3g, %.2f s%s%n", data.pairs(), data.prompts(), in.policy,
        policyClass.dimension(), in.divergenceName, in.lossName, optimizer, trained.objective(),
        trained.objective() / data.pairs(), trained.iterations(),
        optimizer == Optimizer.lbfgs ? "iterations" : "steps", trained.gradientNorm(),
        (System.nanoTime() - start) / 1e9, output == null ? "" : ", written to " + output);
    return 0;
  }

  private static double[] uniform(int k) {
    double[] w = new double[k];
    java.util.Arrays.fill(w, 1.0 / k);
    return w;
  }

  /**
   * Without a ridge, a tabular policy is determined only where the pairs determine it: every
   * candidate compared, and the comparisons of each prompt not separable.
   */
  private void checkIdentified(PreferenceData prefs, List<DpoInputs.Candidates> cands,
      int[][] matched) {
    boolean[][] compared = new boolean[cands.size()][];
    for (int x = 0; x < cands.size(); x++) {
      compared[x] = new boolean[cands.get(x).responses().length];
    }
    for (int[] p : matched) {
      compared[p[0]][p[1]] = true;
      compared[p[0]][p[2]] = true;
    }
    for (int x = 0; x < cands.size(); x++) {
      for (int j = 0; j < compared[x].length; j++) {
        if (!compared[x][j]) {
          throw new InputException("candidate '" + cands.get(x).responses()[j] + "' of prompt '"
              + cands.get(x).prompt() + "' is in no pair, so an unregularized tabular policy"
              + " leaves its probability undetermined; give a ridge (--l2) or drop it");
        }
      }
    }
    Separation.tabular(prefs).ifPresent(s -> {
      throw new InputException("the pairs are separable (" + s + "), so an unregularized"
          + " tabular policy has no finite optimum; give a ridge (--l2)");
    });
  }

  private void write(TableFormat out, List<DpoInputs.Candidates> cands,
      DpoTrainer.Trained trained)
      throws IOException {
    double[][] lp = trained.logProbs();
    try (AtomicOutput o = out == TableFormat.PARQUET ? AtomicOutput.binary(output)
        : AtomicOutput.open(output, parent.main().out())) {
      if (out == TableFormat.PARQUET) {
        try (ParquetTableWriter w = ParquetTableWriter.create(o.file(), OUTPUT)) {
          w.write((i, row) -> {
            row.string(0, cands.get(i).prompt());
            row.strings(1, cands.get(i).responses());
            row.numbers(2, lp[i], 0, lp[i].length);
          }, cands.size());
        }
      } else {
        Writer w = o.writer();
        for (int x = 0; x < cands.size(); x++) {
          ObjectNode line = JsonLine.MAPPER.createObjectNode();
          line.put("prompt", cands.get(x).prompt());
          ArrayNode r = line.putArray("responses");
          for (String s : cands.get(x).responses()) {
            r.add(s);
          }
          ArrayNode a = line.putArray("policy_logprobs");
          for (double v : lp[x]) {
            a.add(v);
          }
          w.write(JsonLine.MAPPER.writeValueAsString(line));
          w.write('\n');
        }
      }
      o.commit();
    }
  }
}
