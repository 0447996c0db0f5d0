package dev.prune4j.core;

/**
 * Bad input from a user: a file, field or option that is not what prune4j expects. The message
 * names the file or field, what was expected and what was found; the CLI prints it on one line
 * and exits with code 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
