package dev.floe.raft.examples;

import dev.floe.raft.examples.admin.AdminCommand;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code raft-kv.jar}: the sub-commands on picocli, with {@code --help} on each,
 * {@code --version}, a bash/zsh completion script ({@code generate-completion}) and exit codes 0
 * (ok), 1 (runtime failure) and 2 (usage error).
 */
@Command(name = "raft-kv", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Floe's replicated key-value store and tools.",
        subcommands = {NodeCommand.class, RepairCommand.class, DemoCommand.Cli.class, AdminCommand.class, BenchCommand.class, SimulateCommand.class,
                CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class},
        footer = {"", "Exit codes: 0 ok, 1 runtime failure, 2 usage error. See docs/raft-kv.md and docs/operations.md."})
public final class Main implements Runnable {
    /** Exit code of a usage error (picocli's default too). */
    public static final int USAGE = 2;
    /** Exit code of a runtime failure. */
    public static final int FAILURE = 1;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a sub-command is required");
    }

    /** The configured command line, for {@link #main} and for tests that run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof IllegalArgumentException) { // a value picocli could not check: a usage error
                err.println("error: " + e.getMessage());
                err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
                return USAGE;
            }
            err.println("error: " + Problems.describe(e));
            return FAILURE;
        });
        return cli;
    }

    public static void main(String[] argv) {
        System.exit(commandLine().execute(argv));
    }
}
