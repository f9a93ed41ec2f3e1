package dev.mailroom.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
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

    /**
     * The packages whose code may write the database: the operator today. When account data arrives
     * (organizations, users, keys), its one package is added here as the only other writer, of its
     * own tables only. Flyway's migrations are Flyway's calls, not ours: Boot runs them, and only in a
     * process with the operator role (EmbeddedDefaults sets spring.flyway.enabled).
     */
    private static final String[] WRITERS = {"..server.operator.."};

    /** Every way the code could write through JDBC: a call or a method reference to any of them counts. */
    private static final DescribedPredicate<JavaAccess<?>> JDBC_WRITE = access(org.springframework.jdbc.core.JdbcOperations.class,
            "update", "batchUpdate", "execute", "call")
            .or(access(org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations.class, "update", "batchUpdate", "execute"))
            .or(access(org.springframework.jdbc.core.simple.JdbcClient.StatementSpec.class, "update"))
            .or(access(java.sql.Statement.class, "execute", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch"))
            .or(anyAccessTo(org.springframework.jdbc.core.simple.SimpleJdbcInsertOperations.class))
            .or(anyAccessTo(org.springframework.jdbc.core.simple.SimpleJdbcCallOperations.class))
            .or(anyAccessTo(org.springframework.jdbc.object.SqlUpdate.class))
            .or(anyAccessTo(org.springframework.jdbc.datasource.init.DatabasePopulator.class));

    @Test
    void nothingOutsideTheWritersCallsAJdbcWrite() {
        noClasses().that().resideOutsideOfPackages(WRITERS)
                .should().accessTargetWhere(JDBC_WRITE)
                .because("only the operator writes the database (DESIGN §1); the API reads through its *Queries classes")
                .check(CLASSES);
    }

    @Test
    void controllersDoNotDependOnSpringJdbc() {
        noClasses().that().resideInAPackage("..server.api..")
                .and().areMetaAnnotatedWith(org.springframework.stereotype.Controller.class)
                .or().areMetaAnnotatedWith(org.springframework.web.bind.annotation.ControllerAdvice.class)
                .or().resideInAPackage("..server.dashboard..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..")
                .because("a controller reads through a query class of its package, never SQL of its own")
                .check(CLASSES);
    }

    private static DescribedPredicate<JavaAccess<?>> access(Class<?> type, String... names) {
        Set<String> methods = Set.of(names);
        return DescribedPredicate.describe(type.getSimpleName() + "." + String.join("/", names),
                a -> a.getTargetOwner().isAssignableTo(type) && methods.contains(a.getName()));
    }

    private static DescribedPredicate<JavaAccess<?>> anyAccessTo(Class<?> type) {
        return DescribedPredicate.describe("any use of " + type.getSimpleName(), a -> a.getTargetOwner().isAssignableTo(type));
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
