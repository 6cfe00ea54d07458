package dev.floe.raft.benchmarks.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.data.category.CategoryDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static List<JsonLine> rows(String... lines) {
        List<JsonLine> out = new ArrayList<>();
        for (String l : lines) out.add(JsonLine.parse(l));
        return out;
    }

    private static String floe(int inFlight, int valueSize, int members, double ops) {
        return "{\"system\":\"floe\",\"in_flight\":" + inFlight + ",\"value_size\":" + valueSize + ",\"members\":" + members
                + ",\"ops_per_sec\":" + ops + ",\"p50_us\":500,\"p99_us\":900,\"p999_us\":1500,\"mb_per_sec\":" + ops * valueSize / 1e6
                + ",\"raw_disk_mb_per_sec\":150}";
    }

    @Test
    void writesTheFourChartsAsPngs() throws Exception {
        Plot plot = new Plot(rows(floe(1, 128, 3, 1500), floe(32, 128, 3, 28000), floe(32, 4096, 3, 9000), floe(32, 128, 5, 20000),
                "{\"system\":\"jraft\",\"in_flight\":1,\"value_size\":128,\"ops_per_sec\":1081,\"p50_us\":826,\"p99_us\":2738,\"p999_us\":5562}"), "");
        List<Path> written = plot.writeAll(dir);
        assertThat(written.stream().map(p -> p.getFileName().toString()).toList()).containsExactly("throughput-vs-inflight.png", "latency-percentiles.png", "value-size.png", "members.png");
        for (Path png : written) {
            byte[] head = new byte[8];
            System.arraycopy(Files.readAllBytes(png), 0, head, 0, 8);
            assertThat(head).as(png + " is a PNG").startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void theThroughputChartShowsEverySystemOnTheWorkloadRowsOnlyAndTheLaterOfTwoEqualRuns() {
        Plot plot = new Plot(rows(floe(32, 128, 3, 1000), floe(32, 128, 3, 2000), floe(32, 4096, 3, 99), floe(32, 128, 7, 98),
                "{\"system\":\"ratis\",\"in_flight\":32,\"value_size\":128,\"ops_per_sec\":2567}"), "");
        CategoryDataset data = plot.throughput().getCategoryPlot().getDataset();
        assertThat(data.getRowKeys()).containsExactly("floe", "ratis");
        assertThat(data.getValue("floe", "32").doubleValue()).isEqualTo(2000);
    }

    @Test
    void theMembersCurveShowsOnlyTheInFlightLevelsMeasuredAtSeveralSizes() {
        Plot plot = new Plot(rows(floe(1, 128, 3, 1500), floe(32, 128, 3, 28000), floe(32, 128, 5, 20000), floe(32, 128, 7, 15000)), "");
        CategoryDataset data = plot.members().getCategoryPlot().getDataset();
        assertThat(data.getRowKeys()).containsExactly("ops/s, 32 in flight");
        assertThat(data.getColumnKeys()).containsExactly("3 members", "5 members", "7 members");
    }

    @Test
    void curvesThatNeedSeveralPointsAreLeftOutWithOnlyOne() {
        Plot plot = new Plot(rows(floe(32, 128, 3, 1000)), "");
        JFreeChart members = plot.members();
        assertThat(members).isNull();
        assertThat(plot.valueSize()).isNull();
    }
}
