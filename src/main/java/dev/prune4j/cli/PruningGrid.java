package dev.prune4j.cli;

import dev.prune4j.prune.Recipe;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The grid of a sweep — methods × sparsities × allocations, with one seed — shared by
 * {@code sweep} and {@code sweep-encoders}: its options, its cells (OWL is skipped for N:M, which
 * fixes every layer's budget) and its Markdown tables.
 */
final class PruningGrid {
    @Option(names = "--methods", split = ",", defaultValue = "magnitude,wanda,sparsegpt,ria,dsnot",
            description = "Methods (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--sparsities", split = ",", defaultValue = "0.5,0.6,0.7,0.8,2:4,4:8",
            description = "Sparsities (default: ${DEFAULT-VALUE}).")
    List<String> sparsities;

    @Option(names = "--allocations", split = ",", defaultValue = "uniform,owl",
            description = "Allocations (default: ${DEFAULT-VALUE}); owl is skipped for N:M.")
    List<String> allocations;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sequential", defaultValue = "block", paramLabel = "block|layer",
            description = "Calibration order of every run (see `prune --help`; default: ${DEFAULT-VALUE}).")
    String sequential;

    /** The calibration order as the protocol states it. */
    String orderText() {
        return dev.prune4j.prune.OneShotPruner.Sequential.parse(sequential) == dev.prune4j.prune.OneShotPruner.Sequential.LAYER
                ? "sequential block by block and, inside a block, layer by layer (each linear calibrated on the outputs of the "
                + "already-pruned linears before it, one forward per block)"
                : "sequential block by block (a block's linears calibrated on its dense forward, then its pruned outputs feed the next block)";
    }

    /** One run of the grid. */
    record Cell(String method, String sparsity, String allocation) {
        @Override
        public String toString() {
            return method + " " + sparsity + " " + allocation;
        }
    }

    /** The sparsities that apply under {@code allocation} (OWL does not apply to N:M). */
    List<String> sparsitiesFor(String allocation) {
        return sparsities.stream().filter(s -> !(allocation.equals("owl") && s.contains(":"))).toList();
    }

    /** Every cell, methods outermost. */
    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String m : methods) {
            for (String s : sparsities) {
                for (String a : allocations) {
                    if (sparsitiesFor(a).contains(s)) {
                        cells.add(new Cell(m, s, a));
                    }
                }
            }
        }
        return cells;
    }

    /** The resolved recipe of a cell. */
    Recipe recipe(Cell c) {
        return new Recipe(c.method(), c.sparsity(), null, c.allocation(), null, null, null, seed, null, null, null, null, null,
                sequential).withDefaults();
    }

    /**
     * One Markdown table for {@code allocation}: rows = methods, columns = sparsities; a cell is
     * {@code format(row)} of the matching result, "n/a¹" where it has {@code not_applicable}, "–"
     * where it is missing.
     */
    void appendTable(StringBuilder b, String allocation, List<Map<String, Object>> rows, Predicate<Map<String, Object>> belongs,
                     Function<Map<String, Object>, String> format) {
        List<String> cols = sparsitiesFor(allocation);
        b.append("| method |");
        cols.forEach(s -> b.append(' ').append(s).append(" |"));
        b.append("\n| --- |");
        cols.forEach(s -> b.append(" ---: |"));
        b.append('\n');
        for (String m : methods) {
            b.append("| ").append(m).append(" |");
            for (String s : cols) {
                rows.stream().filter(r -> belongs.test(r) && r.get("method").equals(m) && r.get("sparsity").equals(s)
                                && r.get("allocation").equals(allocation)).findFirst()
                        .ifPresentOrElse(r -> b.append(' ').append(r.containsKey("not_applicable") ? "n/a¹" : format.apply(r)).append(" |"),
                                () -> b.append(" – |"));
            }
            b.append('\n');
        }
    }

    static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
