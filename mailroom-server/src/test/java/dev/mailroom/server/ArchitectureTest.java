package dev.mailroom.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.mailroom.contracts.ProviderNames;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The boundaries of DESIGN §1 and §4, stated once and checked on every build. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mailroom.server");
    private static final String[] DATABASE = {"java.sql..", "javax.sql..", "org.springframework.jdbc..", "org.springframework.transaction.."};
    private static final String PROVIDERS = "dev.mailroom.server.providers";
    /** What the provider packages share; not a provider itself. */
    private static final String SUPPORT = "support";
    /** The role packages, named as {@code mailroom.roles} names the roles. */
    private static final List<String> ROLES = Arrays.stream(Role.values())
            .map(role -> "dev.mailroom.server." + role.name().toLowerCase(Locale.ROOT) + "..").toList();
    /** The provider packages, as found in the code: every package under {@code providers} but the shared support. */
    private static final Set<String> PROVIDER_PACKAGES = CLASSES.stream()
            .map(JavaClass::getPackageName)
            .filter(name -> name.startsWith(PROVIDERS + "."))
            .map(name -> name.substring(PROVIDERS.length() + 1).split("\\.")[0])
            .filter(name -> !name.equals(SUPPORT))
            .collect(Collectors.toCollection(TreeSet::new));

    @Test
    void dispatchersWebhookSinksAndProvidersNeverTouchTheDatabase() {
        noClasses().that().resideInAnyPackage("..server.dispatcher..", "..server.webhooks..", "..server.providers..", "..server.messaging..")
                .should().dependOnClassesThat().resideInAnyPackage(DATABASE)
                .check(CLASSES);
    }

    @Test
    void onlyTheOperatorWritesTheDatabase() {
        // The API reads through its own queries; it must not reach the operator's store.
        noClasses().that().resideOutsideOfPackage("..server.operator..")
                .should().dependOnClassesThat().resideInAPackage("..server.operator..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("..server.api..")
                .should().dependOnClassesThat().haveSimpleName("TransactionTemplate")
                .check(CLASSES);
    }

    @Test
    void rolesDoNotDependOnEachOther() {
        for (String role : ROLES) {
            String rolePackage = role.substring(0, role.length() - 2);
            assertThat(CLASSES.stream().filter(c -> c.getPackageName().equals(rolePackage)))
                    .as("classes of role package " + rolePackage).isNotEmpty();
            String[] others = ROLES.stream().filter(r -> !r.equals(role)).toArray(String[]::new);
            noClasses().that().resideInAPackage(role).should().dependOnClassesThat().resideInAnyPackage(others).check(CLASSES);
        }
    }

    @Test
    void theSecurityChainDependsOnNoRole() {
        // It guards every process, whatever its roles; the API lends it its keys through BearerTokens.
        noClasses().that().resideInAPackage("..server.security..")
                .should().dependOnClassesThat().resideInAnyPackage(ROLES.toArray(String[]::new))
                .check(CLASSES);
    }

    @Test
    void aProviderPackageDependsOnNoOtherProviderAndNothingOutsideItDependsOnIt() {
        // DESIGN §4: adding a provider touches its package (and its name in the Contract), nothing else.
        assertThat(PROVIDER_PACKAGES).as("provider packages found under " + PROVIDERS).isNotEmpty();
        for (String provider : PROVIDER_PACKAGES) {
            String own = PROVIDERS + "." + provider + "..";
            noClasses().that().resideOutsideOfPackage(own)
                    .should().dependOnClassesThat().resideInAPackage(own)
                    .as("nothing outside providers." + provider + " depends on it")
                    .check(CLASSES);
        }
    }

    @Test
    void onlyTheDispatcherAndTheWebhookSinkUseTheProviders() {
        // The API and the operator know providers by name only (the Contract's ProviderNames, and
        // EnabledProviders for what this installation has).
        noClasses().that().resideOutsideOfPackages(PROVIDERS + "..", "..server.dispatcher..", "..server.webhooks..")
                .should().dependOnClassesThat().resideInAPackage(PROVIDERS + "..")
                .check(CLASSES);
        // The provider interface and the shared helpers lean on no provider.
        noClasses().that().resideInAnyPackage(PROVIDERS, PROVIDERS + "." + SUPPORT + "..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        PROVIDER_PACKAGES.stream().map(p -> PROVIDERS + "." + p + "..").toArray(String[]::new))
                .check(CLASSES);
    }

    @Test
    void theContractNamesExactlyTheProviderPackagesAndEachDeclaresItsOwnName() throws ReflectiveOperationException {
        Set<String> declared = new TreeSet<>();
        for (String provider : PROVIDER_PACKAGES) {
            List<JavaClass> descriptors = CLASSES.stream()
                    .filter(c -> c.getPackageName().equals(PROVIDERS + "." + provider))
                    .filter(c -> c.isAssignableTo(ProviderDescriptor.class) && !c.isInterface())
                    .toList();
            assertThat(descriptors).as("ProviderDescriptor classes in providers." + provider).hasSize(1);
            Constructor<?> constructor = descriptors.get(0).reflect().getDeclaredConstructor();
            constructor.setAccessible(true);
            String name = ((ProviderDescriptor) constructor.newInstance()).name();
            assertThat(name).as("the name declared by providers." + provider).isEqualTo(provider);
            declared.add(name);
        }
        assertThat(declared).as("names the provider packages declare, against dev.mailroom.contracts.ProviderNames")
                .isEqualTo(new TreeSet<>(ProviderNames.all()));
    }
}
