package dev.floe.raft.examples.kv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call what on raft-kv's HTTP API (docs/security.md, "Clients"): principals from an access
 * file, each with one {@link Role}, authenticated by a bearer token ({@code Authorization: Bearer
 * <token>}) or by a TLS client certificate whose subject CN is listed.
 *
 * <p>Access file, one principal per line, {@code #} starts a comment:
 * <pre>
 * token &lt;secret&gt; &lt;role&gt; [name]   # a bearer token
 * cert  &lt;CN&gt;     &lt;role&gt;          # a client certificate signed by --tls-ca with this subject CN
 * </pre>
 * Immutable, thread-safe.
 */
public final class KvAccess {
    /** What a principal may do; each role includes the ones before it. */
    public enum Role {
        /** {@code GET /v1/kv/...} and {@code GET /v1/status}. */
        READ,
        /** And {@code PUT} and {@code DELETE /v1/kv/...}. */
        WRITE,
        /** And membership changes, leadership transfer and snapshots. */
        ADMIN;

        boolean includes(Role needed) {
            return compareTo(needed) >= 0;
        }
    }

    /** A caller this node knows. */
    public record Principal(String name, Role role) {
    }

    /** Paths anyone may call: liveness probes carry no data. */
    /** Liveness/readiness probes and the static page (its data, /v1/cluster, needs the read role). */
    static final Set<String> OPEN_PATHS = Set.of("/health", "/health/live", "/health/ready", "/ui", "/ui/");

    /** SHA-256 of each token: lookups do not compare secrets byte by byte, and the map holds no secret. */
    private final Map<String, Principal> byTokenHash;
    private final Map<String, Principal> byCertificateName;

    private KvAccess(Map<String, Principal> byTokenHash, Map<String, Principal> byCertificateName) {
        this.byTokenHash = Map.copyOf(byTokenHash);
        this.byCertificateName = Map.copyOf(byCertificateName);
    }

    /** Reads an access file. @throws IOException naming the file and line of any mistake */
    public static KvAccess load(Path file) throws IOException {
        Map<String, Principal> tokens = new HashMap<>();
        Map<String, Principal> certs = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").trim();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            String where = file + ":" + (i + 1);
            if (f.length < 3 || f.length > 4 || !(f[0].equals("token") || f[0].equals("cert"))) {
                throw new IOException(where + ": expected 'token <secret> <role> [name]' or 'cert <CN> <role>'");
            }
            Role role;
            try {
                role = Role.valueOf(f[2].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": role must be read, write or admin, not '" + f[2] + "'");
            }
            if (f[0].equals("token")) {
                if (f[1].length() < 16) throw new IOException(where + ": tokens must have at least 16 characters");
                String name = f.length == 4 ? f[3] : "token#" + (i + 1);
                if (tokens.put(hash(f[1]), new Principal(name, role)) != null) throw new IOException(where + ": duplicate token");
            } else {
                if (f.length == 4) throw new IOException(where + ": expected 'cert <CN> <role>'");
                certs.put(f[1], new Principal("cert:" + f[1], role));
            }
        }
        if (tokens.isEmpty() && certs.isEmpty()) throw new IOException(file + ": no principals");
        return new KvAccess(tokens, certs);
    }

    /** The role a request needs; empty for {@link #OPEN_PATHS}. */
    static Optional<Role> required(String method, String path) {
        if (OPEN_PATHS.contains(path)) return Optional.empty();
        if (path.startsWith("/v1/members") || path.equals("/v1/leader") || path.equals("/v1/snapshot")) {
            return Optional.of(Role.ADMIN);
        }
        if (path.equals("/v1/kv") || path.startsWith("/v1/kv/")) {
            return Optional.of(method.equals("GET") || method.equals("HEAD") ? Role.READ : Role.WRITE);
        }
        return Optional.of(Role.READ); // status, metrics and anything unknown: answered only to known callers
    }

    /**
     * Null when the request may proceed; otherwise the JSON refusal: 401 without valid credentials,
     * 403 with a role too weak for it.
     *
     * <p>A verified client certificate that names a current member of the cluster (CN or DNS SAN,
     * as on the raft port) and is not listed in the access file has the read role: members ask each
     * other for {@code /v1/node} (the cluster view, follower readiness), and a member's certificate
     * is already trusted with far more on the raft port.
     *
     * @param authorization    the {@code Authorization} header, if sent
     * @param certificateNames the subject CNs of a verified TLS client certificate (empty without one)
     * @param memberName       the current member named by that certificate (CN or DNS SAN), if any
     */
    Reply check(String method, String path, Optional<String> authorization, List<String> certificateNames,
                Optional<String> memberName) {
        Optional<Role> needed = required(method, path);
        if (needed.isEmpty()) return null;
        Optional<Principal> who = authenticate(authorization, certificateNames);
        if (who.isEmpty() && authorization.isEmpty() && memberName.isPresent()) {
            who = Optional.of(new Principal("member " + memberName.get(), Role.READ));
        }
        if (who.isEmpty()) {
            return Reply.error(401, "unauthenticated", authorization.isPresent() ? "the bearer token is not valid"
                    : "this API needs 'Authorization: Bearer <token>' or a client certificate")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"raft-kv\"");
        }
        if (!who.get().role().includes(needed.get())) {
            return Reply.error(403, "forbidden", who.get().name() + " has role " + who.get().role().name().toLowerCase(Locale.ROOT)
                    + "; " + method + " " + path + " needs " + needed.get().name().toLowerCase(Locale.ROOT));
        }
        return null;
    }

    private Optional<Principal> authenticate(Optional<String> authorization, List<String> certificateNames) {
        if (authorization.isPresent()) {
            // A presented token decides alone: a bad token is refused even on a connection with a certificate.
            String value = authorization.get().trim();
            if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
            return Optional.ofNullable(byTokenHash.get(hash(value.substring(7).trim())));
        }
        for (String name : certificateNames) {
            Principal p = byCertificateName.get(name);
            if (p != null) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
