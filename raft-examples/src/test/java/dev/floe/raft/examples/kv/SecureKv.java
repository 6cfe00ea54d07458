package dev.floe.raft.examples.kv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the documented script (scripts/make-certs.sh) and an access file with one
 * token per role, for tests of a secured raft-kv.
 */
final class SecureKv {
    static final String READ_TOKEN = "read-token-0123456789abcdef";
    static final String WRITE_TOKEN = "write-token-0123456789abcdef";
    static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";

    final Path dir;
    final Path accessFile;

    private SecureKv(Path dir, Path accessFile) {
        this.dir = dir;
        this.accessFile = accessFile;
    }

    /** Runs make-certs.sh for {@code ids} into {@code dir} and writes {@code dir/access}. */
    static SecureKv create(Path dir, String... ids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("scripts", "make-certs.sh").toString(), dir.toString()));
        command.addAll(List.of(ids));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("make-certs.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("make-certs.sh failed: " + Files.readString(dir.resolve("make-certs.log")));
        }
        Path access = Files.writeString(dir.resolve("access"), """
                # role per principal: read < write < admin
                token %s read reader
                token %s write writer
                token %s admin operator
                cert alice write
                """.formatted(READ_TOKEN, WRITE_TOKEN, ADMIN_TOKEN));
        return new SecureKv(dir, access);
    }

    /** The command-line options of node {@code id}. */
    List<String> options(String id) {
        return List.of("--tls-cert", dir.resolve(id + ".crt").toString(), "--tls-key", dir.resolve(id + ".key").toString(),
                "--tls-ca", dir.resolve("ca.crt").toString(), "--auth-file", accessFile.toString(), "--cluster-id", "secured");
    }

    /** Node {@code id}'s settings, parsed from {@link #options} as the node command does. */
    KvSecurity security(String id) {
        List<String> o = options(id);
        try {
            return KvSecurity.fromOptions(name -> {
                int i = o.indexOf(name);
                return i < 0 ? Optional.empty() : Optional.of(o.get(i + 1));
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A client for {@code urls} trusting the cluster's CA, sending {@code token} if given. */
    KvClient client(List<String> urls, java.time.Duration deadline, Optional<String> token) throws IOException {
        return new KvClient(urls, deadline, KvSecurity.clientContext(dir.resolve("ca.crt")), token);
    }
}
