package dev.floe.raft.transport.netty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed node certificates made with the JDK's {@code keytool} (no BouncyCastle), exported as
 * the PEM files {@link TlsConfig} reads: {@code <id>.crt} and a PKCS#8 {@code <id>.key}.
 * Each certificate names {@code localhost} and {@code 127.0.0.1} and allows server and client use.
 */
final class TestCertificates {
    private static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    /** Creates one certificate per id in {@code dir}, running the keytool processes in parallel. */
    static void create(Path dir, String... ids) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<Process> processes = new ArrayList<>();
        for (String id : ids) {
            processes.add(new ProcessBuilder(keytool, "-genkeypair", "-alias", "node", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=" + id, "-validity", "2",
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth,clientAuth",
                    "-keystore", dir.resolve(id + ".p12").toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).redirectOutput(dir.resolve(id + ".keytool.log").toFile()).start());
        }
        for (int i = 0; i < ids.length; i++) {
            Process p = processes.get(i);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed for " + ids[i] + ": " + Files.readString(dir.resolve(ids[i] + ".keytool.log")));
            }
            exportPem(dir, ids[i]);
        }
    }

    /** Concatenates the certificates of {@code ids} into one trust file. */
    static Path trustBundle(Path dir, String name, String... ids) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (String id : ids) pem.append(Files.readString(dir.resolve(id + ".crt")));
        return Files.writeString(dir.resolve(name), pem);
    }

    static TlsConfig mutual(Path dir, String id, Path trust) {
        return TlsConfig.mutual(dir.resolve(id + ".crt"), dir.resolve(id + ".key"), trust);
    }

    private static void exportPem(Path dir, String id) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(id + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = store.getCertificate("node");
        PrivateKey key = (PrivateKey) store.getKey("node", PASSWORD.toCharArray());
        Files.writeString(dir.resolve(id + ".crt"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve(id + ".key"), pem("PRIVATE KEY", key.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
