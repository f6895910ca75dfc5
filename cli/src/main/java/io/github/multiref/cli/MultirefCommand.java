package io.github.multiref.cli;

import io.github.multiref.api.Stability;
import io.github.multiref.runtime.Registries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level command; it only dispatches to subcommands. */
@Command(
    name = "multiref",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "KL-regularized RLHF with several reference models.",
    subcommands = {DemoCommand.class, SolveCommand.class, EstimateCommand.class, FitRewardCommand.class,
        DpoScoreCommand.class, TrainDpoCommand.class, WeightsCommand.class, JoinReferencesCommand.class, ConvertCommand.class, BoundsCommand.class, SimulateCommand.class, PluginsCommand.class})
@Stability(Stability.Status.INTERNAL)
public final class MultirefCommand implements Runnable {

  private final Main main;

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  MultirefCommand(Main main) {
    this.main = main;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required (see --help)");
  }

  /** The subcommand's options, falling back to those given before the subcommand's name. */
  CommonOptions effectiveOptions(Object command) {
    if (command instanceof Subcommand) {
      return ((Subcommand) command).common().orElse(common);
    }
    return common.orElse(null);
  }

  Registries registries(CommonOptions options) {
    return main.registries(options);
  }

  Main main() {
    return main;
  }

  /** What every subcommand offers the top-level command. */
  interface Subcommand {
    CommonOptions common();
  }
}
