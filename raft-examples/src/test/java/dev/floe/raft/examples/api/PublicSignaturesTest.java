package dev.floe.raft.examples.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.floe.raft.examples.api.fixture.shown.Leaky;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature condition of {@link ArchitectureTest} catches leaks and only leaks. */
class PublicSignaturesTest {

    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .importPackages(Leaky.class.getPackageName(), "dev.floe.raft.examples.api.fixture.hidden");

    private static EvaluationResult evaluate(Map<String, String> exceptions) {
        ArchRule rule = classes().that().resideInAPackage("..fixture.shown..")
                .should(PublicSignatures.exposeNoTypeIn(exceptions, "..fixture.hidden.."));
        return rule.evaluate(FIXTURES);
    }

    @Test
    void reportsAHiddenTypeInAReturnTypeAndInATypeArgument() {
        EvaluationResult result = evaluate(Map.of());
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("Leaky.secret()") && d.contains("Secret"))
                .anyMatch(d -> d.contains("Leaky.accept(java.util.List)") && d.contains("Secret"))
                .noneMatch(d -> d.contains("Sealed"));
    }

    @Test
    void aListedExceptionIsNotReported() {
        String secret = Leaky.class.getName() + ".secret()";
        String accept = Leaky.class.getName() + ".accept(java.util.List)";
        EvaluationResult result = evaluate(Map.of(secret, "fixture", accept, "fixture"));
        assertThat(result.hasViolation()).isFalse();
    }
}
