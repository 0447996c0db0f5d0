package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/** Entry point of the {@code prune4j} command. */
@Command(name = "prune4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Makes neural networks smaller and faster by pruning, and measures what it did.",
        subcommands = {DemoCommand.class, BenchCommand.class, GenerateCommand.class, EvalCommand.class, EmbedCommand.class, InspectCommand.class,
            PruneCommand.class, SweepCommand.class, EncoderSweepCommand.class,
            TrainCommand.class, PruneTrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a failure of prune4j or of the machine. */
    public static final int FAILURE = 1;
    /** Exit code for bad usage or bad input. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; see 'prune4j --help'");
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests in-process). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addHelpOptions(cl);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("prune4j: " + ex.getMessage());
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = isBadInput(ex) ? BAD_INPUT : FAILURE;
            err.println("prune4j: " + (code == BAD_INPUT ? "" : "error: ") + message(ex));
            if (debug) {
                ex.printStackTrace(err);
            } else if (code == FAILURE) {
                err.println("prune4j: run again with --debug for the stack trace");
            }
            err.flush();
            return code;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors through; say what to do instead of a JVM stack trace
            err.println("prune4j: error: out of memory: the Java heap (at most "
                    + String.format(java.util.Locale.ROOT, "%.1f", Runtime.getRuntime().maxMemory() / 1073741824.0)
                    + " GiB) is too small for this run; give it more with PRUNE4J_HEAP (e.g. PRUNE4J_HEAP=16g, below the machine's RAM)"
                    + " or use fewer or shorter calibration samples");
            if (debug) {
                e.printStackTrace(err);
            }
            code = FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Gives every subcommand, at any depth, a {@code -h/--help} option unless it declares one. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.CommandSpec s = sub.getCommandSpec();
            if (s.findOption("--help") == null && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                s.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOptions(sub);
        }
    }

    private static boolean isBadInput(Throwable ex) {
        return ex instanceof BadInputException || ex instanceof NoSuchFileException
                || (ex instanceof UncheckedIOException u && u.getCause() instanceof NoSuchFileException);
    }

    private static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException n) {
            return "file not found: " + n.getFile();
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    /** Prints prune4j's version and the JVM it runs on. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"prune4j " + Versions.prune4j(),
                    "JVM: " + System.getProperty("java.vendor") + " " + Runtime.version()};
        }
    }
}
