package dev.floe.raft.examples.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What every {@code admin} command takes: where the cluster is, and how to talk to it. */
final class AdminOptions {
    @Option(names = "--cluster", required = true, split = ",", paramLabel = "URL[,URL...]",
            description = "HTTP URLs of one or more members, like http://127.0.0.1:8001; the others are found from them")
    List<String> urls;

    @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token sent with every request, when the cluster requires one")
    String token;

    @Option(names = "--timeout-ms", defaultValue = "2000", paramLabel = "MS", description = "per request (default ${DEFAULT-VALUE})")
    long timeoutMillis;

    AdminClient client() {
        if (timeoutMillis < 1) throw new IllegalArgumentException("--timeout-ms must be positive");
        return new AdminClient(Optional.ofNullable(token), Duration.ofMillis(timeoutMillis));
    }

    /** The URLs, checked and without a trailing slash. */
    List<String> bases() {
        List<String> out = new ArrayList<>();
        for (String u : urls) {
            String url = u.trim();
            if (url.isEmpty()) continue;
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException("--cluster expects URLs like http://127.0.0.1:8001, not '" + url + "'");
            }
            out.add(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--cluster needs at least one URL");
        return out;
    }
}
