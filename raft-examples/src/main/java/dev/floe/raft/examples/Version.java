package dev.floe.raft.examples;

import picocli.CommandLine;

/** {@code --version}: the jar's version (from its manifest) and the JVM running it. */
public final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "raft-kv " + (version == null ? "(development build)" : version),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
