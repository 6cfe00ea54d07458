package dev.floe.raft.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library artifacts are real JPMS modules: each exports exactly its API packages (so
 * {@code dev.floe.raft.core}, {@code *.internal} and the generated protobuf classes are out of users'
 * reach), and together they resolve on a module path next to their real dependencies (netty,
 * protobuf, slf4j, micrometer), so the {@code requires} clauses name the right modules.
 */
class JpmsModulesTest {

    private static ModuleFinder libraryModulePath() {
        return ModuleFinder.of(ApiPackages.libraryModulePath().toArray(Path[]::new));
    }

    @Test
    void eachLibraryModuleExportsExactlyItsApiPackages() {
        ModuleFinder finder = libraryModulePath();
        var actual = new TreeMap<String, Set<String>>();
        for (String module : ApiPackages.EXPORTS.keySet()) {
            ModuleDescriptor descriptor = finder.find(module).map(ModuleReference::descriptor).orElseThrow(
                    () -> new AssertionError("no module " + module + " (module-info.class) on the class path"));
            assertThat(descriptor.isAutomatic()).as(module + " has a module-info").isFalse();
            actual.put(module, descriptor.exports().stream()
                    .filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(java.util.TreeSet::new)));
        }
        var expected = new TreeMap<String, Set<String>>();
        ApiPackages.EXPORTS.forEach((m, p) -> expected.put(m, new java.util.TreeSet<>(p)));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void theLibraryModulesResolveAgainstTheirRealDependencies() {
        Configuration resolved = Configuration.resolve(libraryModulePath(), java.util.List.of(
                java.lang.ModuleLayer.boot().configuration()), ModuleFinder.of(), ApiPackages.EXPORTS.keySet());
        Set<String> names = resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertThat(names).contains("dev.floe.raft", "dev.floe.raft.storage", "dev.floe.raft.transport.netty",
                "dev.floe.raft.metrics.micrometer", "io.netty.transport", "com.google.protobuf", "org.slf4j",
                "micrometer.core");
        // The optional artifacts stay optional: metrics reads storage and transport only when present.
        ModuleDescriptor metrics = resolved.findModule("dev.floe.raft.metrics.micrometer").orElseThrow()
                .reference().descriptor();
        assertThat(metrics.requires()).filteredOn(r -> r.name().startsWith("dev.floe.raft."))
                .allMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC));
    }
}
