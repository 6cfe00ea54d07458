package dev.floe.raft.examples;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code raft-kv.jar}: dispatches to a sub-command. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar raft-kv.jar <command> [options]

            commands:
            """ + NodeCommand.USAGE + DemoCommand.USAGE + BenchCommand.USAGE + """
              simulate [--seed N] [--seconds 20] [--pace-ms 200]
                  watch a simulated Raft cluster run under faults (deterministic per seed)
            """;

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.print(USAGE);
            System.exit(argv.length == 0 ? 2 : 0);
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        int code;
        try {
            Args args = new Args(rest);
            code = switch (argv[0]) {
                case "simulate" -> SimulateCommand.run(args, System.out);
                case "node" -> NodeCommand.run(args, System.out);
                case "demo" -> DemoCommand.run(args, System.out);
                case "bench" -> BenchCommand.run(args, System.out);
                default -> {
                    System.err.println("unknown command '" + argv[0] + "'");
                    System.err.print(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            code = 2;
        }
        System.exit(code);
    }
}
