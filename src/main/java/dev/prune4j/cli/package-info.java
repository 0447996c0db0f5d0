/**
 * The command-line tool: one picocli command class per subcommand. Exit codes: 0 ok, 1 failure,
 * 2 bad usage or bad input. Errors are one line on stderr (a stack trace only with
 * {@code --debug}); with {@code --json} a command prints exactly one JSON object on stdout and
 * sends progress and logs to stderr. May use every other package.
 */
package dev.prune4j.cli;
