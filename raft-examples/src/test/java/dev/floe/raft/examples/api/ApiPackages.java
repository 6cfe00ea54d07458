package dev.floe.raft.examples.api;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The public API of Floe's library artifacts: the packages each JPMS module exports. Changing this
 * list is changing what users can compile against; {@link JpmsModulesTest} checks the modules'
 * descriptors against it and {@link ArchitectureTest} checks the signatures of these packages.
 */
final class ApiPackages {

    /** Module name to the packages it exports to everyone. */
    static final Map<String, List<String>> EXPORTS = Map.of(
            "dev.floe.raft", List.of("dev.floe.raft", "dev.floe.raft.message", "dev.floe.raft.server"),
            "dev.floe.raft.testkit", List.of("dev.floe.raft.testkit"),
            "dev.floe.raft.storage", List.of("dev.floe.raft.storage"),
            "dev.floe.raft.transport.netty", List.of("dev.floe.raft.transport.netty"),
            "dev.floe.raft.metrics.micrometer", List.of("dev.floe.raft.metrics.micrometer"));

    /** Every exported package, in one list. */
    static final List<String> EXPORTED = EXPORTS.values().stream().flatMap(List::stream).sorted().toList();

    /** Packages that are never exported: the consensus core, every {@code internal}, generated protobuf. */
    static final String[] NOT_EXPORTED = {"dev.floe.raft.core..", "..internal..", "dev.floe.raft.transport.proto.."};

    /** Main classes of the library artifacts: their target/classes in a reactor build, else their jars. */
    private static final Pattern LIBRARY = Pattern.compile(
            ".*raft-(core|storage|transport-netty|metrics-micrometer|testkit)(/target/classes|-[^/]*(?<!-tests)\\.jar)$");

    /** This module's own main classes (the examples), never its test classes. */
    private static final Pattern EXAMPLES = Pattern.compile(".*raft-examples/target/classes$");

    /** The class path entries holding the main classes of the library artifacts, and of raft-examples. */
    static List<Path> floeMainClasses() {
        return classPath(e -> LIBRARY.matcher(e).matches() || EXAMPLES.matcher(e).matches());
    }

    /** The library artifacts and the third-party jars they need at run time. */
    static List<Path> libraryModulePath() {
        Pattern dependency = Pattern.compile(".*/(netty-[^/]*|protobuf-java-[^/]*|slf4j-api-[^/]*"
                + "|micrometer-(core|commons|observation)-[^/]*|HdrHistogram-[^/]*|LatencyUtils-[^/]*)\\.jar$");
        return classPath(e -> LIBRARY.matcher(e).matches() || dependency.matcher(e).matches());
    }

    private static List<Path> classPath(java.util.function.Predicate<String> keep) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(keep)
                .map(Path::of)
                .filter(Files::exists)
                .toList();
    }

    private ApiPackages() {
    }
}
