package dev.prune4j.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plot of {@code bench sparse}: decode speedup over our dense kernel (cold weights) against
 * sparsity, one line per format and value type, from the bench's result (the same map that
 * {@code --json} prints), with the bytes-moved limit of each line dashed. Written as PNG via a
 * temporary file and a rename.
 */
public final class SparsePlot {
    private SparsePlot() {
    }

    /** Writes the plot of {@code result}'s 4096×4096 decode cases to {@code png}. */
    public static void write(Map<String, Object> result, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // series name → sparsity → {ratio, limit}
        Map<String, TreeMap<Double, double[]>> series = new TreeMap<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cases = (List<Map<String, Object>>) result.get("cases");
        for (Map<String, Object> c : cases) {
            List<?> shape = (List<?>) c.get("shape");
            if (((Number) c.get("M")).intValue() != 1 || ((Number) shape.get(0)).intValue() != 4096
                    || ((Number) shape.get(1)).intValue() != 4096) {
                continue;
            }
            Object sp = c.get("sparsity");
            double s = sp instanceof Number n ? n.doubleValue() : 0.5;
            String name = c.get("format") + " " + c.get("valueType") + ("block8".equals(c.get("pattern")) ? " (1x8-block pattern)" : "");
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(s,
                    new double[] {((Number) c.get("ratio")).doubleValue(), ((Number) c.get("limitRatio")).doubleValue()});
        }
        XYChart chart = new XYChartBuilder().width(900).height(600)
                .title(String.format(Locale.ROOT, "Sparse decode matvec 4096x4096, %s threads, cold weights (dashed: bytes-moved limit)",
                        result.get("threads")))
                .xAxisTitle("sparsity (fraction of weights pruned)").yAxisTitle("speedup vs our dense F32 matvec").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        java.awt.Color[] palette = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xff7f0e), new java.awt.Color(0x2ca02c),
            new java.awt.Color(0xd62728), new java.awt.Color(0x9467bd), new java.awt.Color(0x8c564b), new java.awt.Color(0xe377c2),
            new java.awt.Color(0x17becf), new java.awt.Color(0xbcbd22), new java.awt.Color(0x7f7f7f)};
        int colour = 0;
        for (Map.Entry<String, TreeMap<Double, double[]>> e : series.entrySet()) {
            List<Double> xs = new ArrayList<>(e.getValue().keySet());
            List<Double> ys = new ArrayList<>();
            List<Double> limits = new ArrayList<>();
            for (double[] v : e.getValue().values()) {
                ys.add(v[0]);
                limits.add(v[1]);
            }
            XYSeries measured = chart.addSeries(e.getKey(), xs, ys);
            measured.setMarker(SeriesMarkers.CIRCLE);
            java.awt.Color col = palette[colour++ % palette.length];
            measured.setLineColor(col);
            measured.setMarkerColor(col);
            if (xs.size() > 1) {
                XYSeries limit = chart.addSeries(e.getKey() + " limit", xs, limits);
                limit.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
                limit.setMarker(SeriesMarkers.NONE);
                limit.setLineColor(col);
                limit.setShowInLegend(false);
            }
        }
        XYSeries one = chart.addSeries("dense = 1", List.of(0.3, 0.95), List.of(1.0, 1.0));
        one.setMarker(SeriesMarkers.NONE);
        one.setLineColor(java.awt.Color.GRAY);
        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "plot", ".png");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
