package dev.cyberia.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The module rules of ARCHITECTURE.md, held over the classes of every module on this classpath
 * (the CLI depends on all of them). Modules that do not exist yet are optional layers, so the
 * rules hold them the moment they land.
 */
class ArchitectureTest {
    private static final Pattern MODULE = Pattern.compile("^dev\\.cyberia\\.([a-z]+)(\\..*)?$");

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // another module's test classes, on this classpath as its test-jar (the treasury's NodeFixture)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.cyberia");

    private static final JavaClasses DELIBERATE_VIOLATIONS =
            new ClassFileImporter().importPackages("dev.cyberia.cli.archviolation");

    /** cli → agents → tool-adapters/planner → agent-core/inference-client → treasury → keystore. */
    static final ArchRule MODULES_DEPEND_ONE_WAY = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("keystore")
            .definedBy("dev.cyberia.keystore..")
            .layer("treasury")
            .definedBy("dev.cyberia.treasury..")
            .layer("inference-client")
            .definedBy("dev.cyberia.inference..")
            .layer("agent-core")
            .definedBy("dev.cyberia.agentcore..")
            .layer("planner")
            .definedBy("dev.cyberia.planner..")
            .layer("tool-adapters")
            .definedBy("dev.cyberia.tools..")
            .layer("agents")
            .definedBy("dev.cyberia.agents..")
            .layer("dashboard")
            .definedBy("dev.cyberia.dashboard..")
            .layer("cli")
            .definedBy("dev.cyberia.cli..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("dashboard")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("agents")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("tool-adapters")
            .mayOnlyBeAccessedByLayers("agents", "cli")
            .whereLayer("planner")
            .mayOnlyBeAccessedByLayers("agents", "cli")
            .whereLayer("agent-core")
            .mayOnlyBeAccessedByLayers("planner", "tool-adapters", "agents", "dashboard", "cli")
            .whereLayer("inference-client")
            .mayOnlyBeAccessedByLayers("tool-adapters", "agents", "cli")
            .whereLayer("treasury")
            .mayOnlyBeAccessedByLayers(
                    "inference-client", "agent-core", "planner", "tool-adapters", "agents", "dashboard", "cli");

    /** A module's {@code internal} packages are its own business. */
    static final ArchRule INTERNALS_STAY_IN_THEIR_MODULE = noClasses()
            .should(dependOnInternalsOfAnotherModule())
            .as("no class uses another module's internal package");

    /**
     * Implementations are not API: a public class in an API package that implements one of our
     * API interfaces must be a record or an enum (a value), never a service implementation.
     */
    static final ArchRule IMPLEMENTATIONS_ARE_NOT_PUBLIC_API = classes()
            .that()
            .resideInAPackage("dev.cyberia..")
            .and()
            .resideOutsideOfPackage("..internal..")
            .and()
            .haveModifier(JavaModifier.PUBLIC)
            .and(implementOurInterface())
            .should()
            .beRecords()
            .orShould()
            .beEnums()
            .allowEmptyShould(true);

    @Test
    void modulesDependOneWay() {
        MODULES_DEPEND_ONE_WAY.check(PRODUCTION);
    }

    @Test
    void internalsStayInTheirModule() {
        INTERNALS_STAY_IN_THEIR_MODULE.check(PRODUCTION);
    }

    @Test
    void implementationsAreNotPublicApi() {
        IMPLEMENTATIONS_ARE_NOT_PUBLIC_API.check(PRODUCTION);
    }

    @Test
    void onlyTheCliHasAMainMethod() {
        classes()
                .that()
                .resideInAPackage("dev.cyberia..")
                .and()
                .resideOutsideOfPackage("dev.cyberia.cli..")
                .should(new ArchCondition<JavaClass>("not declare main(String[])") {
                    @Override
                    public void check(JavaClass item, ConditionEvents events) {
                        boolean hasMain = item.getMethods().stream()
                                .anyMatch(m -> m.getName().equals("main")
                                        && m.getModifiers().contains(JavaModifier.STATIC));
                        if (hasMain) {
                            events.add(SimpleConditionEvent.violated(item, item.getName() + " declares main"));
                        }
                    }
                })
                .check(PRODUCTION);
    }

    @Test
    void theRulesCatchDeliberateViolations() {
        EvaluationResult internals = INTERNALS_STAY_IN_THEIR_MODULE.evaluate(DELIBERATE_VIOLATIONS);
        assertThat(internals.hasViolation()).isTrue();
        assertThat(internals.getFailureReport().getDetails()).anyMatch(d -> d.contains("keystore.internal.Hex"));

        EvaluationResult implementations = IMPLEMENTATIONS_ARE_NOT_PUBLIC_API.evaluate(DELIBERATE_VIOLATIONS);
        assertThat(implementations.hasViolation()).isTrue();
        assertThat(implementations.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("PublicSignerImplementation"));
    }

    private static ArchCondition<JavaClass> dependOnInternalsOfAnotherModule() {
        return new ArchCondition<>("depend on another module's internal package") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                Optional<String> from = moduleOf(item.getPackageName());
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getPackageName();
                    if (!target.contains(".internal")) {
                        continue;
                    }
                    Optional<String> to = moduleOf(target);
                    if (to.isPresent() && !to.equals(from)) {
                        events.add(SimpleConditionEvent.satisfied(item, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static DescribedPredicate<JavaClass> implementOurInterface() {
        return new DescribedPredicate<>("implement an interface of a dev.cyberia API package") {
            @Override
            public boolean test(JavaClass c) {
                return c.getAllRawInterfaces().stream()
                        .anyMatch(i -> i.getPackageName().startsWith("dev.cyberia.")
                                && !i.getPackageName().contains(".internal"));
            }
        };
    }

    private static Optional<String> moduleOf(String packageName) {
        Matcher m = MODULE.matcher(packageName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
