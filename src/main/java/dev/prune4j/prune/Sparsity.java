package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;

import java.util.Locale;

/**
 * How much of a layer to prune: a fraction of its weights ({@link Fraction}) or an N:M pattern
 * ({@link NofM}: keep N of every M consecutive input weights in each row).
 */
public sealed interface Sparsity {

    /** The fraction of weights removed. */
    double fraction();

    /** Text form: "0.5" or "2:4". */
    String label();

    /** Prune {@code value} of the weights, 0 ≤ value &lt; 1. */
    record Fraction(double value) implements Sparsity {
        public Fraction {
            if (!(value >= 0 && value < 1)) {
                throw new BadInputException("sparsity must be in [0, 1), found " + value);
            }
        }

        @Override
        public double fraction() {
            return value;
        }

        @Override
        public String label() {
            return Double.toString(value);
        }
    }

    /** Keep {@code n} of every {@code m} consecutive input weights of each row (0 ≤ n &lt; m). */
    record NofM(int n, int m) implements Sparsity {
        public NofM {
            if (m < 1 || n < 0 || n >= m) {
                throw new BadInputException("N:M sparsity needs 0 <= N < M, found " + n + ":" + m);
            }
        }

        @Override
        public double fraction() {
            return 1.0 - (double) n / m;
        }

        @Override
        public String label() {
            return n + ":" + m;
        }

        /** Checks that M divides the layer's input width. */
        public void requireDivides(int inFeatures, String layer) {
            if (inFeatures % m != 0) {
                throw new BadInputException(layer + ": N:M sparsity " + label() + " needs M=" + m
                        + " to divide the input width, found width " + inFeatures);
            }
        }
    }

    /** Parses "0.5" or "2:4" (a percentage such as "50%" is accepted too). */
    static Sparsity parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.contains(":")) {
                String[] p = t.split(":", -1);
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                return new NofM(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            }
            if (t.endsWith("%")) {
                return new Fraction(Double.parseDouble(t.substring(0, t.length() - 1)) / 100.0);
            }
            return new Fraction(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new BadInputException("sparsity: expected a fraction in [0, 1) such as 0.5, or N:M such as 2:4, found '" + s + "'");
        }
    }
}
