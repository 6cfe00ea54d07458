package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.StateMachine;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.transport.netty.NettyTransport;
import dev.floe.raft.transport.netty.NettyTransportConfig;
import dev.floe.raft.transport.netty.RaftClient;
import dev.floe.raft.transport.netty.RaftClientEndpoint;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The peerbench workload (/work/shared/peerbench/WORKLOAD.md, v1) on Floe, so that its JSON lines
 * sit next to the other libraries' results: 3 {@link RaftServer}s in one JVM on loopback
 * {@link NettyTransport}, each on a fresh {@link FileStorage} directory with the default (fsync)
 * options, default {@link RaftServerOptions}, a key-value state machine that answers a PUT with
 * its log index, and a closed loop of exactly IN_FLIGHT requests through one {@link RaftClient}
 * over the client protocol. The driver mirrors {@code peerbench.common.Bench}: same seeds, same
 * command encoding, same HdrHistogram {@link Recorder}, same 1 ms slot hold-back after an error,
 * same output. Only the JSON lines go to {@code out}; progress goes to stderr.
 */
public final class KvBench {
    static final String SYSTEM = "floe";
    static final String VERSION = "0.1.0-SNAPSHOT";
    private static final String CLUSTER = "kvbench";
    private static final long ERROR_BACKOFF_MS = 1;
    private static final byte OP_PUT = 1;
    private static final int KEY_SIZE = 16;
    private static final int NUM_KEYS = 1000;
    private static final byte[][] KEYS = new byte[NUM_KEYS][];

    static {
        for (int i = 0; i < NUM_KEYS; i++) KEYS[i] = String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private final PrintStream out;
    private final PrintStream log = System.err;

    public KvBench(PrintStream out) {
        this.out = out;
    }

    /** Runs one fresh cluster per IN_FLIGHT value, in order, printing one JSON line each. */
    public void run(List<Integer> inFlights, int valueSize, int warmupSec, int measureSec) throws Exception {
        log.printf("[peerbench] %s %s: 3 RaftServers, loopback NettyTransport, FileStorage (fsync on, defaults), "
                + "RaftServerOptions.defaults(), one RaftClient over the client protocol%n", SYSTEM, VERSION);
        for (int inFlight : inFlights) runOne(inFlight, valueSize, warmupSec, measureSec);
    }

    private void runOne(int inFlight, int valueSize, int warmupSec, int measureSec) throws Exception {
        Path dataDir = Files.createTempDirectory("peerbench-" + SYSTEM + "-");
        log.printf("[peerbench] %s in_flight=%d value_size=%d: starting 3 servers under %s%n", SYSTEM, inFlight, valueSize, dataDir);
        try {
            long t0 = System.nanoTime();
            try (Cluster cluster = new Cluster(dataDir)) {
                // "The run starts only after a leader is elected and the client can reach it": one put first.
                cluster.client.submit(Bytes.wrap(encodePut(KEYS[0], new byte[1]))).get(30, TimeUnit.SECONDS);
                log.printf("[peerbench] %s cluster up with leader in %d ms; warmup %ds, measure %ds%n",
                        SYSTEM, (System.nanoTime() - t0) / 1_000_000, warmupSec, measureSec);
                drive(cluster.client, inFlight, valueSize, warmupSec, measureSec);
                long c0 = System.nanoTime();
                cluster.close();
                log.printf("[peerbench] %s cluster closed in %d ms%n", SYSTEM, (System.nanoTime() - c0) / 1_000_000);
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private void drive(RaftClient client, int inFlight, int valueSize, int warmupSec, int measureSec) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Semaphore permits = new Semaphore(inFlight);
        byte[][] values = new byte[64][];
        SplittableRandom seed = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[valueSize];
            for (int j = 0; j < valueSize; j++) values[i][j] = (byte) seed.nextInt(256);
        }
        ScheduledExecutorService releaseAfterError = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerbench-error-backoff");
            t.setDaemon(true);
            return t;
        });
        boolean[] stop = {false};
        Object stopLock = new Object();
        Thread driver = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            while (true) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (stopLock) {
                    if (stop[0]) {
                        permits.release();
                        return;
                    }
                }
                byte[] cmd = encodePut(KEYS[rnd.nextInt(NUM_KEYS)], values[rnd.nextInt(values.length)]);
                long start = System.nanoTime();
                try {
                    client.submit(Bytes.wrap(cmd)).whenComplete((result, err) -> {
                        long latency = System.nanoTime() - start;
                        if (err == null && result.size() == 8) {
                            recorder.recordValue(latency);
                            permits.release();
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, err != null ? err : new IllegalStateException("reply of " + result.size() + " bytes"));
                            releaseAfterError.schedule(() -> permits.release(), ERROR_BACKOFF_MS, TimeUnit.MILLISECONDS);
                        }
                    });
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                    releaseAfterError.schedule(() -> permits.release(), ERROR_BACKOFF_MS, TimeUnit.MILLISECONDS);
                }
            }
        }, "peerbench-driver");
        driver.setDaemon(true);
        driver.start();

        sleepSeconds(warmupSec);
        recorder.getIntervalHistogram(); // discard warmup
        long errorsAtStart = errors.get();
        long cpuStart = processCpuNanos();
        long measureStart = System.nanoTime();
        sleepSeconds(measureSec);
        Histogram h = recorder.getIntervalHistogram();
        long measureEnd = System.nanoTime();
        long cpuEnd = processCpuNanos();
        long measureErrors = errors.get() - errorsAtStart;

        synchronized (stopLock) {
            stop[0] = true;
        }
        driver.interrupt();
        driver.join(5000);
        if (!permits.tryAcquire(inFlight, 15, TimeUnit.SECONDS)) {
            log.printf("[peerbench] warning: %d requests still outstanding at shutdown%n", inFlight - permits.availablePermits());
        }
        releaseAfterError.shutdownNow();
        if (firstError.get() != null) log.println("[peerbench] first error seen (warmup or measure): " + firstError.get());

        double measureS = (measureEnd - measureStart) / 1e9;
        long n = h.getTotalCount();
        String json = String.format(Locale.ROOT,
                "{\"system\":\"%s\",\"version\":\"%s\",\"in_flight\":%d,\"value_size\":%d,"
                        + "\"ops_per_sec\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
                        + "\"errors\":%d,\"measure_s\":%.3f}",
                SYSTEM, VERSION, inFlight, valueSize, n / measureS,
                n == 0 ? 0 : h.getValueAtPercentile(50.0) / 1000.0,
                n == 0 ? 0 : h.getValueAtPercentile(99.0) / 1000.0,
                n == 0 ? 0 : h.getValueAtPercentile(99.9) / 1000.0,
                measureErrors, measureS);
        out.println(json);
        out.flush();
        log.println("[peerbench] " + json);
        if (cpuStart >= 0 && cpuEnd >= 0) {
            double cores = (cpuEnd - cpuStart) / (double) (measureEnd - measureStart);
            log.printf(Locale.ROOT, "[peerbench] %s in_flight=%d: JVM used %.2f of %d CPUs while measuring, %.0f us CPU per op%n",
                    SYSTEM, inFlight, cores, Runtime.getRuntime().availableProcessors(), n == 0 ? 0.0 : (cpuEnd - cpuStart) / 1000.0 / n);
        }
    }

    /** The workload's one command: opcode 1, a 16-byte key, the value. */
    static byte[] encodePut(byte[] key, byte[] value) {
        byte[] cmd = new byte[1 + KEY_SIZE + value.length];
        cmd[0] = OP_PUT;
        System.arraycopy(key, 0, cmd, 1, KEY_SIZE);
        System.arraycopy(value, 0, cmd, 1 + KEY_SIZE, value.length);
        return cmd;
    }

    /** Three servers with their client endpoints, and one client; closes in the reverse order. */
    private static final class Cluster implements AutoCloseable {
        final List<RaftServer> servers = new ArrayList<>();
        final List<RaftClientEndpoint> endpoints = new ArrayList<>();
        final RaftClient client;
        private boolean closed;

        Cluster(Path dataDir) throws Exception {
            int[] ports = freePorts(6);
            Map<NodeId, Endpoint> raft = new LinkedHashMap<>();
            Map<NodeId, Endpoint> clients = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                NodeId id = NodeId.of("n" + (i + 1));
                raft.put(id, new Endpoint("127.0.0.1", ports[i]));
                clients.put(id, new Endpoint("127.0.0.1", ports[3 + i]));
            }
            try {
                for (NodeId id : raft.keySet()) {
                    FileStorage storage = FileStorage.open(dataDir.resolve(id.value()), StorageOptions.defaults());
                    NettyTransportConfig.Builder transport = NettyTransportConfig.builder(CLUSTER, id, raft.get(id));
                    raft.forEach((peer, endpoint) -> {
                        if (!peer.equals(id)) transport.peer(peer, endpoint);
                    });
                    RaftServer server = RaftServer.builder()
                            .id(id)
                            .members(clients)
                            .stateMachine(new KvMachine())
                            .storage(storage.logStorage(), storage.hardStateStore())
                            .closeWith(storage)
                            .transport(new NettyTransport(transport.build()))
                            .build();
                    servers.add(server);
                    server.start();
                    endpoints.add(RaftClientEndpoint.builder(CLUSTER, server, clients.get(id)).build().start());
                }
                client = RaftClient.builder(CLUSTER).members(List.copyOf(clients.values())).build();
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (client != null) client.close();
            endpoints.forEach(RaftClientEndpoint::close);
            servers.forEach(RaftServer::close);
        }
    }

    /** The workload's state machine ({@code peerbench.common.KvStore}): PUT stores the value, answers the log index. */
    static final class KvMachine implements StateMachine {
        private final Map<String, byte[]> map = new HashMap<>();

        @Override
        public Bytes apply(long index, Bytes command) {
            ByteBuffer b = command.asReadOnlyByteBuffer();
            if (b.remaining() < 1 + KEY_SIZE) throw new IllegalArgumentException("short command: " + b.remaining() + " bytes");
            byte op = b.get();
            if (op != OP_PUT) throw new IllegalArgumentException("unknown opcode " + op);
            byte[] key = new byte[KEY_SIZE];
            b.get(key);
            byte[] value = new byte[b.remaining()];
            b.get(value);
            map.put(new String(key, StandardCharsets.ISO_8859_1), value);
            return Bytes.wrap(ByteBuffer.allocate(8).putLong(0, index).array());
        }

        @Override
        public Bytes query(Bytes query) {
            return Bytes.wrap(ByteBuffer.allocate(4).putInt(0, map.size()).array());
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(map.size());
            for (Map.Entry<String, byte[]> e : map.entrySet()) {
                data.writeUTF(e.getKey());
                data.writeInt(e.getValue().length);
                data.write(e.getValue());
            }
            data.flush();
        }

        @Override
        public void restoreSnapshot(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            map.clear();
            for (int n = data.readInt(); n > 0; n--) map.put(data.readUTF(), data.readNBytes(data.readInt()));
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) if (s != null) s.close();
        }
        return ports;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private static void sleepSeconds(int s) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
        long left;
        while ((left = end - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(left);
    }

    private void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.println("[peerbench] warning: could not delete " + dir + ": " + e);
        }
    }
}
