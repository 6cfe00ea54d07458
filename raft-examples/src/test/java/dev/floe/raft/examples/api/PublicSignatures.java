package dev.floe.raft.examples.api;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ArchUnit condition on what a user of a type can see: the supertypes, type parameters and the
 * public or protected fields, constructors and methods of a type that is itself reachable (public,
 * and every enclosing type public). None of the types involved may live in a hidden package.
 */
final class PublicSignatures {

    private PublicSignatures() {
    }

    /**
     * @param exceptions member or type names ({@code Type.member} as ArchUnit prints them, or a type's
     *                   full name) that may show a hidden type, with the reason
     * @param hidden     ArchUnit package patterns of the non-exported packages
     */
    static ArchCondition<JavaClass> exposeNoTypeIn(Map<String, String> exceptions, String... hidden) {
        DescribedPredicate<JavaClass> isHidden = JavaClass.Predicates.resideInAnyPackage(hidden);
        return new ArchCondition<>("show no type of a non-exported package in a public signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                if (!reachable(type)) {
                    return;
                }
                type.getSuperclass().ifPresent(t -> inspect(type, type.getName() + " (extends)", t, isHidden, exceptions, events));
                type.getInterfaces().forEach(t -> inspect(type, type.getName() + " (implements)", t, isHidden, exceptions, events));
                type.getTypeParameters().forEach(t -> inspect(type, type.getName() + " (type parameter)", t, isHidden, exceptions, events));
                for (JavaField field : type.getFields()) {
                    if (visible(field)) {
                        inspect(type, field.getFullName(), field.getType(), isHidden, exceptions, events);
                    }
                }
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (!visible(unit) || unit.getModifiers().contains(JavaModifier.SYNTHETIC)
                            || unit.getModifiers().contains(JavaModifier.BRIDGE)) {
                        continue;
                    }
                    inspect(type, unit.getFullName(), unit.getReturnType(), isHidden, exceptions, events);
                    unit.getParameterTypes().forEach(t -> inspect(type, unit.getFullName(), t, isHidden, exceptions, events));
                    unit.getThrowsClause().getTypes().forEach(t -> inspect(type, unit.getFullName(), t, isHidden, exceptions, events));
                    unit.getTypeParameters().forEach(t -> inspect(type, unit.getFullName(), t, isHidden, exceptions, events));
                }
            }
        };
    }

    private static void inspect(JavaClass owner, String where, JavaType shown, DescribedPredicate<JavaClass> isHidden,
                                Map<String, String> exceptions, ConditionEvents events) {
        for (JavaClass raw : shown.getAllInvolvedRawTypes()) {
            JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
            if (isHidden.test(base) && !exceptions.containsKey(where) && !exceptions.containsKey(owner.getName())) {
                events.add(SimpleConditionEvent.violated(owner, where + " shows " + base.getName()));
            }
        }
    }

    /** Public, and so is every type it is nested in. */
    static boolean reachable(JavaClass type) {
        for (Optional<JavaClass> t = Optional.of(type); t.isPresent(); t = t.get().getEnclosingClass()) {
            if (!t.get().getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return !type.isAnonymousClass() && !type.isLocalClass();
    }

    private static boolean visible(JavaMember member) {
        Set<JavaModifier> m = member.getModifiers();
        return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
    }
}
