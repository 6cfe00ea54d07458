package dev.floe.raft.examples.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The package rules of Floe's library artifacts, checked on the compiled classes (the main classes
 * of every artifact; no test classes). CONTRIBUTING.md explains them; a change that breaks one is a
 * change of the library's shape and must change this test, with its reason, on purpose.
 */
class ArchitectureTest {

    private static final String[] LIBRARY = {"dev.floe.raft", "dev.floe.raft.core..", "dev.floe.raft.message..",
            "dev.floe.raft.server..", "dev.floe.raft.storage..", "dev.floe.raft.transport..",
            "dev.floe.raft.metrics.."};

    /**
     * Public signatures of exported packages that still show a non-exported type, each with its
     * reason. Keep this short: every entry is a leak of the core into the API.
     */
    static final Map<String, String> SIGNATURE_EXCEPTIONS = Map.of();

    private static final JavaClasses CLASSES = importFloeMainClasses();

    private static JavaClasses importFloeMainClasses() {
        List<Location> locations = new ArrayList<>();
        for (Path p : ApiPackages.floeMainClasses()) {
            try {
                locations.add(Files.isDirectory(p) ? Location.of(p) : Location.of(new JarFile(p.toFile())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importLocations(locations);
    }

    @Test
    void theRulesSeeEveryArtifact() { // otherwise a "no class should" rule passes on nothing
        assertThat(CLASSES.contain("dev.floe.raft.core.RaftNode")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.server.RaftServer")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.storage.FileLogStorage")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.transport.netty.NettyTransport")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.metrics.micrometer.FloeMetrics")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.testkit.SimulationRunner")).isTrue();
        assertThat(CLASSES.contain("dev.floe.raft.examples.Main")).isTrue();
    }

    @Test
    void theConsensusCoreDependsOnlyOnTheApiPackages() {
        ArchRule rule = classes().that().resideInAPackage("dev.floe.raft.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.floe.raft", "dev.floe.raft.message",
                        "dev.floe.raft.core..", "java..", "org.slf4j..")
                .because("the core is the pure Raft state machine (etcd/raft's shape): no threads, I/O or plugs");
        rule.check(CLASSES);
    }

    @Test
    void theApiPackagesDependOnlyOnEachOtherAndTheJdk() {
        ArchRule rule = classes().that().resideInAnyPackage("dev.floe.raft", "dev.floe.raft.message")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.floe.raft", "dev.floe.raft.message",
                        "java..")
                .because("the plug interfaces and messages are what every artifact and user compiles against");
        rule.check(CLASSES);
    }

    @Test
    void noNonExportedTypeAppearsInAnExportedSignature() {
        ArchRule rule = classes().that().resideInAnyPackage(ApiPackages.EXPORTED.toArray(String[]::new))
                .should(PublicSignatures.exposeNoTypeIn(SIGNATURE_EXCEPTIONS, ApiPackages.NOT_EXPORTED))
                .because("a user can neither name nor rely on a type of a package the module does not export");
        rule.check(CLASSES);
    }

    @Test
    void theComponentsHaveNoDependencyCycles() {
        ArchRule rule = slices().assignedFrom(COMPONENTS).should().beFreeOfCycles();
        rule.check(CLASSES);
    }

    @Test
    void theLibraryDoesNotDependOnTheExamples() {
        ArchRule rule = noClasses().that().resideInAnyPackage(LIBRARY)
                .should().dependOnClassesThat().resideInAnyPackage("dev.floe.raft.examples..")
                .because("raft-examples is built on the library, not the other way round");
        rule.check(CLASSES);
    }

    @Test
    void productionCodeDoesNotDependOnTheTestkit() {
        ArchRule rule = noClasses().that().resideInAnyPackage(LIBRARY)
                .should().dependOnClassesThat().resideInAnyPackage("dev.floe.raft.testkit..")
                .because("the simulator and in-memory plugs are for tests; a server never runs on them");
        rule.check(CLASSES);
    }

    /**
     * One slice per component. A component's facade and its {@code internal} package may use each
     * other (the facade wires the internals, the internals throw the facade's exceptions); so may the
     * plug interfaces and the messages they carry (the Transport SPI). Between components, no cycles.
     */
    static final SliceAssignment COMPONENTS = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (pkg.equals("dev.floe.raft") || pkg.equals("dev.floe.raft.message")) {
                return SliceIdentifier.of("api");
            }
            if (!pkg.startsWith("dev.floe.raft.")) {
                return SliceIdentifier.ignore();
            }
            String rest = pkg.substring("dev.floe.raft.".length());
            int dot = rest.indexOf('.');
            return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
        }

        @Override
        public String getDescription() {
            return "Floe's components (api = dev.floe.raft + message; core; server; storage; transport; "
                    + "metrics; testkit; examples)";
        }
    };
}
