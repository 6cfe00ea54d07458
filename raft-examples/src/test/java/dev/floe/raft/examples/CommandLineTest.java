package dev.floe.raft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The picocli command line in-process: help everywhere, version, completion, exit codes for usage errors. */
class CommandLineTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void everySubCommandHasHelp() {
        for (String[] command : new String[][] {{"node"}, {"demo"}, {"bench"}, {"simulate"}, {"admin"}, {"admin", "status"},
                {"admin", "watch"}, {"admin", "members"}, {"admin", "members", "add"}, {"admin", "members", "list"},
                {"admin", "members", "remove"}, {"admin", "members", "promote"}, {"admin", "leader", "transfer"},
                {"admin", "snapshot"}, {"generate-completion"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: raft-kv " + String.join(" ", command));
        }
        assertThat(run("node", "--help").out()).contains("--data-dir=DIR", "--cluster=ID=HOST:RAFTPORT:HTTPPORT", "--snapshot-every");
        assertThat(run("--help").out()).contains("node", "demo", "admin", "bench", "simulate", "generate-completion",
                "Exit codes: 0 ok, 1 runtime failure, 2 usage error");
    }

    @Test
    void versionAndCompletionScript() {
        Run version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("raft-kv ").contains("Java " + System.getProperty("java.version"));
        assertThat(run("node", "--version").out()).startsWith("raft-kv ");
        Run completion = run("generate-completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F", "_picocli_raft-kv", "admin", "--snapshot-every");
    }

    @Test
    void usageErrorsExitTwoAndNameTheProblem() {
        Run none = run();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("a sub-command is required");
        Run unknown = run("node", "--id", "n1", "--data-dir", "d", "--cluster", "n1=127.0.0.1:1:2", "--no-such-option");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--no-such-option'");
        Run missing = run("node", "--id", "n1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required options", "--data-dir", "--cluster");
        Run notNumber = run("node", "--id", "n1", "--data-dir", "d", "--cluster", "n1=127.0.0.1:1:2", "--tick-ms", "fast");
        assertThat(notNumber.exit()).isEqualTo(2);
        assertThat(notNumber.err()).contains("--tick-ms", "fast");
        Run checked = run("node", "--id", "n1", "--data-dir", "d", "--cluster", "n1=127.0.0.1:1:2", "--tick-ms", "0");
        assertThat(checked.exit()).isEqualTo(2);
        assertThat(checked.err()).contains("--tick-ms must be 1-10000");
        Run badDemo = run("demo", "--base-port", "80");
        assertThat(badDemo.exit()).isEqualTo(2);
        assertThat(badDemo.err()).contains("--base-port must be 2025-65530");
        Run simulate = run("simulate", "--seconds", "1");
        assertThat(simulate.exit()).isEqualTo(2);
    }
}
