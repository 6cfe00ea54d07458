package dev.floe.raft;

/**
 * A network address, host and port, without resolving it.
 *
 * @param host a host name or IP address, not resolved
 * @param port the TCP port, 0 to 65535 (0: any free port, when listening)
 */
public record Endpoint(String host, int port) {
    /**
     * Checks the host and the port range.
     *
     * @param host a host name or IP address, not resolved
     * @param port the TCP port, 0 to 65535 (0: any free port, when listening)
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public Endpoint {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /**
     * Parses {@code host:port} (IPv6 hosts in brackets: {@code [::1]:7001}).
     *
     * @param text {@code host:port}
     * @return the endpoint
     * @throws IllegalArgumentException if {@code text} is not {@code host:port}
     */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            return new Endpoint(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
