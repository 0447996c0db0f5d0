package dev.prune4j.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A line chart of y against x with one line per series, written as a PNG. Series that share a
 * colour key share a colour (e.g. one method under two allocations), and a series can be dashed.
 */
public final class LinePlot {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
        new Color(0xbcbd22), new Color(0x7f7f7f)};

    /** One line: its legend name, the key that picks its colour, whether it is dashed, its points. */
    public record Series(String name, String colourKey, boolean dashed, SortedMap<Double, Double> points) {
    }

    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xTitle, String yTitle, boolean logY) {
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.logY = logY;
    }

    /** Adds a line; lines without points are left out. */
    public LinePlot add(Series s) {
        if (!s.points().isEmpty()) {
            series.add(s);
        }
        return this;
    }

    /** Writes the chart to {@code png} through a temporary file in the same directory and a rename. */
    public void write(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        Map<String, Color> colours = new LinkedHashMap<>();
        for (Series s : series) {
            Color c = colours.computeIfAbsent(s.colourKey(), k -> PALETTE[colours.size() % PALETTE.length]);
            XYSeries xy = chart.addSeries(s.name(), new ArrayList<>(s.points().keySet()), new ArrayList<>(s.points().values()));
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setLineColor(c);
            xy.setMarkerColor(c);
            if (s.dashed()) {
                xy.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + png.getFileName(), ".tmp");
        try {
            // BitmapEncoder appends ".png" to a name without it; write to an explicit stream instead.
            try (var os = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
