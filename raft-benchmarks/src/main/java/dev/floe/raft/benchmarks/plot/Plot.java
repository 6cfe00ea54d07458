package dev.floe.raft.benchmarks.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the charts of docs/benchmarks.md from the benchmarks' JSON lines (Floe's {@code bench}
 * output and the peers' peerbench lines, which share the workload's fields):
 * <ul>
 *   <li>{@code throughput-vs-inflight.png}: ops/s by in-flight, one line per system;</li>
 *   <li>{@code latency-percentiles.png}: p50, p99 and p99.9 by in-flight, per system;</li>
 *   <li>{@code value-size.png}: Floe's MB/s of values by value size at each in-flight, with the raw disk's MB/s;</li>
 *   <li>{@code members.png}: Floe's ops/s and p50 by cluster size.</li>
 * </ul>
 * The throughput and latency charts use the peerbench workload's rows (128-byte values, 3 members);
 * when a (system, in-flight, value size, members) row appears twice, the later line wins.
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar dev.floe.raft.benchmarks.plot.Plot OUT_DIR FILE.jsonl...</pre>
 */
public final class Plot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private final List<JsonLine> rows;
    private final String note;

    Plot(List<JsonLine> rows, String note) {
        this.rows = latestPerKey(rows);
        this.note = note;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Plot OUT_DIR FILE.jsonl... [--note 'machine, date, load']");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path outDir = Path.of(args[0]);
        List<JsonLine> rows = new ArrayList<>();
        String note = "";
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--note") && i + 1 < args.length) {
                note = args[++i];
                continue;
            }
            for (String line : Files.readAllLines(Path.of(args[i]))) {
                if (line.isBlank() || !line.trim().startsWith("{")) continue;
                rows.add(JsonLine.parse(line));
            }
        }
        Files.createDirectories(outDir);
        for (Path written : new Plot(rows, note).writeAll(outDir)) System.out.println("wrote " + written);
    }

    /** Writes every chart that has data; returns the files written. */
    List<Path> writeAll(Path outDir) throws IOException {
        List<Path> written = new ArrayList<>();
        write(outDir.resolve("throughput-vs-inflight.png"), throughput(), written);
        write(outDir.resolve("latency-percentiles.png"), latency(), written);
        write(outDir.resolve("value-size.png"), valueSize(), written);
        write(outDir.resolve("members.png"), members(), written);
        return written;
    }

    private static void write(Path file, JFreeChart chart, List<Path> written) throws IOException {
        if (chart == null) return;
        ChartUtils.saveChartAsPNG(new File(file.toString()), chart, WIDTH, HEIGHT);
        written.add(file);
    }

    JFreeChart throughput() {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (JsonLine r : select(Plot::isWorkloadRow)) {
            data.addValue(r.number("ops_per_sec", 0), r.string("system").orElse("?"), label(r.number("in_flight", 0)));
        }
        return lineChart("Throughput by requests in flight (128-byte PUTs, 3 members)", "requests in flight",
                "ops/s (log scale)", sortColumns(data), true);
    }

    JFreeChart latency() {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String p : List.of("p50", "p99", "p999")) {
            for (JsonLine r : select(Plot::isWorkloadRow)) {
                String series = r.string("system").orElse("?") + " " + (p.equals("p999") ? "p99.9" : p);
                data.addValue(r.number(p + "_us", 0), series, label(r.number("in_flight", 0)));
            }
        }
        return lineChart("Latency percentiles by requests in flight (128-byte PUTs, 3 members)", "requests in flight",
                "µs (log scale)", sortColumns(data), true);
    }

    JFreeChart valueSize() {
        List<JsonLine> floe = select(r -> isFloeWrite(r) && r.number("members", 3) == 3);
        Set<Double> sizes = new TreeSet<>();
        floe.forEach(r -> sizes.add(r.number("value_size", 0)));
        if (sizes.size() < 2) return null;
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        floe = floe.stream().sorted(java.util.Comparator.comparingDouble((JsonLine r) -> r.number("in_flight", 0))
                .thenComparingDouble(r -> r.number("value_size", 0))).toList();
        for (JsonLine r : floe) {
            data.addValue(r.number("mb_per_sec", r.number("ops_per_sec", 0) * r.number("value_size", 0) / 1e6),
                    "Floe, " + label(r.number("in_flight", 0)) + " in flight", bytes(r.number("value_size", 0)));
        }
        for (double size : sizes) {
            List<Double> raw = new ArrayList<>();
            for (JsonLine r : floe) if (r.number("value_size", 0) == size && r.has("raw_disk_mb_per_sec")) raw.add(r.number("raw_disk_mb_per_sec", 0));
            if (!raw.isEmpty()) data.addValue(median(raw), "raw disk (1 MiB write + fsync, after the run)", bytes(size));
        }
        return lineChart("MB/s of values by value size (3 members, one shared disk)", "value size", "MB/s (log scale)",
                sortColumns(data), true);
    }

    JFreeChart members() {
        List<JsonLine> floe = select(r -> isFloeWrite(r) && r.number("value_size", 0) == 128);
        Set<Double> sizes = new TreeSet<>();
        floe.forEach(r -> sizes.add(r.number("members", 3)));
        if (sizes.size() < 2) return null;
        // Only the in-flight levels measured at several cluster sizes make a curve.
        Map<Double, Set<Double>> membersByInFlight = new LinkedHashMap<>();
        floe.forEach(r -> membersByInFlight.computeIfAbsent(r.number("in_flight", 0), k -> new TreeSet<>()).add(r.number("members", 3)));
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (double m : sizes) {
            for (JsonLine r : floe) {
                if (r.number("members", 3) == m && membersByInFlight.get(r.number("in_flight", 0)).size() > 1) {
                    data.addValue(r.number("ops_per_sec", 0), "ops/s, " + label(r.number("in_flight", 0)) + " in flight", label(m) + " members");
                }
            }
        }
        return lineChart("Throughput by cluster size (128-byte PUTs)", "members", "ops/s", data, false);
    }

    private JFreeChart lineChart(String title, String xLabel, String yLabel, DefaultCategoryDataset data, boolean logScale) {
        if (data.getRowCount() == 0) return null;
        JFreeChart chart = ChartFactory.createLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        if (!note.isEmpty()) chart.addSubtitle(new TextTitle(note));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (logScale) {
            LogarithmicAxis axis = new LogarithmicAxis(yLabel);
            axis.setStrictValuesFlag(false);
            axis.setAutoRangeNextLogFlag(true);
            plot.setRangeAxis(axis);
        }
        LineAndShapeRenderer renderer = new LineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getRowCount(); i++) {
            String series = data.getRowKey(i).toString();
            // One colour per system (or per in-flight level); Floe thicker; p99 dashed, p99.9 dotted, the raw disk dashed grey.
            float width = series.toLowerCase(Locale.ROOT).startsWith("floe") ? 2.5f : 1.5f;
            float[] dash = series.endsWith("p99.9") ? new float[] {2f, 4f}
                    : series.endsWith("p99") || series.startsWith("raw") ? new float[] {8f, 5f} : null;
            renderer.setSeriesStroke(i, dash == null ? new BasicStroke(width)
                    : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, dash, 0f));
            renderer.setSeriesPaint(i, colour(series, i));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    private static Color colour(String series, int index) {
        String s = series.toLowerCase(Locale.ROOT);
        if (s.startsWith("raw")) return Color.GRAY;
        if (s.startsWith("jraft")) return new Color(0x1f77b4);
        if (s.startsWith("ratis")) return new Color(0x2ca02c);
        if (s.contains("256 in flight")) return new Color(0x9467bd);
        if (s.contains("32 in flight")) return new Color(0xff7f0e);
        if (s.startsWith("floe") && !s.contains("in flight")) return new Color(0xd62728);
        Color[] others = {new Color(0xd62728), new Color(0x8c564b), new Color(0x17becf)};
        return others[index % others.length];
    }

    private List<JsonLine> select(Predicate<JsonLine> keep) {
        return rows.stream().filter(keep).toList();
    }

    /** The peerbench workload's rows: writes of 128-byte values on 3 members, any system. */
    private static boolean isWorkloadRow(JsonLine r) {
        return r.has("system") && r.has("ops_per_sec") && r.number("value_size", 128) == 128 && r.number("members", 3) == 3;
    }

    private static boolean isFloeWrite(JsonLine r) {
        return r.string("system").filter("floe"::equals).isPresent() && r.has("ops_per_sec");
    }

    /** Keeps the last line of each (system, in-flight, value size, members, reads) and drops lines that are no bench rows. */
    private static List<JsonLine> latestPerKey(List<JsonLine> all) {
        Map<String, JsonLine> latest = new LinkedHashMap<>();
        for (JsonLine r : all) {
            if (!r.has("system")) continue;
            String key = r.string("system").orElse("") + "|" + r.number("in_flight", 0) + "|" + r.number("value_size", 128) + "|"
                    + r.number("members", 3) + "|" + r.string("reads").orElse("");
            latest.remove(key);
            latest.put(key, r);
        }
        return List.copyOf(latest.values());
    }

    /** Columns in numeric order of their labels (rows may arrive in any order). */
    private static DefaultCategoryDataset sortColumns(DefaultCategoryDataset in) {
        List<String> columns = new ArrayList<>();
        for (Object c : in.getColumnKeys()) columns.add(c.toString());
        columns.sort(java.util.Comparator.comparingDouble(Plot::number));
        Set<String> rowKeys = new LinkedHashSet<>();
        for (Object r : in.getRowKeys()) rowKeys.add(r.toString());
        DefaultCategoryDataset out = new DefaultCategoryDataset();
        for (String col : columns) {
            for (String row : rowKeys) {
                if (in.getValue(row, col) != null) out.addValue(in.getValue(row, col), row, col);
            }
        }
        return out;
    }

    /** The number a column label stands for: "32" is 32, "4 KiB" is 4096. */
    private static double number(String label) {
        String[] parts = label.split(" ");
        double v = Double.parseDouble(parts[0]);
        return parts.length > 1 && parts[1].equals("KiB") ? v * 1024 : v;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String bytes(double size) {
        long b = (long) size;
        if (b >= 1024 && b % 1024 == 0) return (b / 1024) + " KiB";
        return b + " B";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Plot of %d rows", rows.size());
    }
}
