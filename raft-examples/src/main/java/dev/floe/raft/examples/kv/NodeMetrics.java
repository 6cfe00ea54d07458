package dev.floe.raft.examples.kv;

import dev.floe.raft.NodeId;
import dev.floe.raft.metrics.micrometer.FloeMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One raft-kv node's meters, scraped at {@code /metrics} in Prometheus text format: Floe's
 * ({@link FloeMetrics}, with group {@code raft-kv}) and the JVM's (memory, GC, threads, classes,
 * CPU, uptime).
 */
final class NodeMetrics implements AutoCloseable {
    /** The Prometheus text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final FloeMetrics floe;
    private final NodeId id;

    NodeMetrics(NodeId id) {
        this.id = id;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        floe = FloeMetrics.of(registry, "raft-kv", id);
    }

    /** The listener to register with the Raft server, and to add storage and transport meters to. */
    FloeMetrics floe() {
        return floe;
    }

    /** The listener of group {@code group} of a node with several groups (meters tagged with that group). */
    FloeMetrics group(String group) {
        return FloeMetrics.of(registry, group, id);
    }

    /** Every meter, in Prometheus text format. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
