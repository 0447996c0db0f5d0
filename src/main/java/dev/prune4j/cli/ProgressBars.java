package dev.prune4j.cli;

import dev.prune4j.prune.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * Progress bars with ETA on stderr (never stdout, which carries results and {@code --json}),
 * through the progressbar library. Closing the bar ends its line.
 */
final class ProgressBars implements Progress, AutoCloseable {
    private final ProgressBar bar;

    private ProgressBars(String task, long total, PrintStream err) {
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, total))
                .setStyle(ProgressBarStyle.ASCII)
                // on a terminal redraw often; in a log file (no console) only every 10 s
                .setUpdateIntervalMillis(System.console() != null ? 250 : 10_000).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(err, 100)).build();
    }

    /** A bar for {@code total} steps on {@code System.err}. */
    static ProgressBars open(String task, long total) {
        return new ProgressBars(task, total, System.err);
    }

    @Override
    public void step(long done, long total, String what) {
        if (total > 0 && bar.getMax() != total) {
            bar.maxHint(total);
        }
        bar.stepTo(done);
        bar.setExtraMessage(" " + what);
    }

    @Override
    public void close() {
        bar.close();
    }
}
