package dev.mailroom.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The boundaries of DESIGN §1 and §4, stated once and checked on every build. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mailroom.server");
    private static final String[] DATABASE = {"java.sql..", "javax.sql..", "org.springframework.jdbc..", "org.springframework.transaction.."};

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
        String[] roles = {"..server.api..", "..server.webhooks..", "..server.operator..", "..server.dispatcher.."};
        for (String role : roles) {
            String[] others = java.util.Arrays.stream(roles).filter(r -> !r.equals(role)).toArray(String[]::new);
            noClasses().that().resideInAPackage(role).should().dependOnClassesThat().resideInAnyPackage(others).check(CLASSES);
        }
    }

    @Test
    void theSecurityChainDependsOnNoRole() {
        // It guards every process, whatever its roles; the API lends it its keys through BearerTokens.
        noClasses().that().resideInAPackage("..server.security..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.api..", "..server.webhooks..", "..server.operator..",
                        "..server.dispatcher..")
                .check(CLASSES);
    }

    @Test
    void aProviderPackageDependsOnNoOtherProvider() {
        String[] providers = {"sandbox", "smtp", "sendgrid", "postmark", "ses", "mailgun", "resend"};
        for (String provider : providers) {
            for (String other : providers) {
                if (!other.equals(provider)) {
                    noClasses().that().resideInAPackage("..providers." + provider + "..")
                            .should().dependOnClassesThat().resideInAPackage("..providers." + other + "..")
                            .allowEmptyShould(true).check(CLASSES);
                }
            }
        }
    }
}
