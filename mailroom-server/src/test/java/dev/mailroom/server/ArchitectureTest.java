package dev.mailroom.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.server.support.SameOnAnyInfrastructure;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The boundaries of DESIGN §1 and §4, stated once and checked on every build. */
@SameOnAnyInfrastructure
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mailroom.server");
    private static final String[] DATABASE = {
        "java.sql..", "javax.sql..", "org.springframework.jdbc..", "org.springframework.transaction.."
    };
    private static final String PROVIDERS = "dev.mailroom.server.providers";
    /** What the provider packages share; not a provider itself. */
    private static final String SUPPORT = "support";
    /** The role packages, named as {@code mailroom.roles} names the roles. */
    private static final List<String> ROLES = Arrays.stream(Role.values())
            .map(role -> "dev.mailroom.server." + role.name().toLowerCase(Locale.ROOT) + "..")
            .toList();
    /** The provider packages, as found in the code: every package under {@code providers} but the shared support. */
    private static final Set<String> PROVIDER_PACKAGES = CLASSES.stream()
            .map(JavaClass::getPackageName)
            .filter(name -> name.startsWith(PROVIDERS + "."))
            .map(name -> name.substring(PROVIDERS.length() + 1).split("\\.")[0])
            .filter(name -> !name.equals(SUPPORT))
            .collect(Collectors.toCollection(TreeSet::new));

    @Test
    void dispatchersWebhookSinksAndProvidersNeverTouchTheDatabase() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "..server.dispatcher..", "..server.webhooks..", "..server.providers..", "..server.messaging..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(DATABASE)
                .check(CLASSES);
    }

    @Test
    void onlyTheOperatorWritesTheDatabase() {
        // The API reads through its own queries; it must not reach the operator's store.
        noClasses()
                .that()
                .resideOutsideOfPackage("..server.operator..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..server.operator..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("..server.api..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("TransactionTemplate")
                .check(CLASSES);
    }

    /**
     * The packages whose code may write the database: the operator (the email history), the
     * accounts (organizations, people, keys, webhook endpoints) and the notifier (its delivery log), each of its own
     * tables only
     * ({@link #eachWriterWritesOnlyItsOwnTables}). Flyway's migrations are Flyway's calls, not ours:
     * Boot runs them, and only in a process with the operator role (EmbeddedDefaults sets
     * spring.flyway.enabled); Spring Session writes its own two tables.
     */
    private static final String[] WRITERS = {"..server.operator..", "..server.accounts..", "..server.notifier.."};

    /** Which tables each writer's SQL may change. */
    private static final Map<String, Set<String>> OWN_TABLES = Map.of(
            "operator",
            Set.of(
                    "messages",
                    "message_recipients",
                    "message_tags",
                    "message_contents",
                    "activities",
                    "dead_letters",
                    "settings",
                    "idempotency_keys",
                    "suppressions",
                    "soft_bounce_streaks",
                    "members",
                    "member_search_terms",
                    "overview_counts",
                    "message_outcomes",
                    "erasures",
                    "erasure_work",
                    "erased_addresses",
                    "retention_progress"),
            "accounts",
            Set.of(
                    "organizations",
                    "users",
                    "memberships",
                    "api_keys",
                    "send_counts",
                    "webhook_endpoints",
                    "webhook_secrets"),
            "notifier",
            Set.of("webhook_deliveries", "webhook_attempts", "webhook_erasures"));

    private static final Pattern SQL_WRITE = Pattern.compile(
            "\"[^\"\\n]*?(?<!FOR )\\b(INSERT INTO|DELETE FROM|MERGE INTO|UPDATE)\\s+(?!SET\\b)([A-Za-z_]+)");

    @Test
    void eachWriterWritesOnlyItsOwnTables() throws java.io.IOException {
        Path main = Path.of("src/main/java/dev/mailroom/server");
        for (Map.Entry<String, Set<String>> writer : OWN_TABLES.entrySet()) {
            Set<String> written = new java.util.TreeSet<>();
            try (Stream<Path> files = Files.walk(main.resolve(writer.getKey()))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher sql = SQL_WRITE.matcher(Files.readString(file));
                    while (sql.find()) {
                        written.add(sql.group(2).toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
            assertThat(written)
                    .as("tables the %s package writes", writer.getKey())
                    .isNotEmpty()
                    .isSubsetOf(writer.getValue());
        }
    }

    /** Every way the code could write through JDBC: a call or a method reference to any of them counts. */
    private static final DescribedPredicate<JavaAccess<?>> JDBC_WRITE = access(
                    org.springframework.jdbc.core.JdbcOperations.class, "update", "batchUpdate", "execute", "call")
            .or(access(
                    org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations.class,
                    "update",
                    "batchUpdate",
                    "execute"))
            .or(access(org.springframework.jdbc.core.simple.JdbcClient.StatementSpec.class, "update"))
            .or(access(
                    java.sql.Statement.class,
                    "execute",
                    "executeUpdate",
                    "executeLargeUpdate",
                    "executeBatch",
                    "executeLargeBatch"))
            .or(anyAccessTo(org.springframework.jdbc.core.simple.SimpleJdbcInsertOperations.class))
            .or(anyAccessTo(org.springframework.jdbc.core.simple.SimpleJdbcCallOperations.class))
            .or(anyAccessTo(org.springframework.jdbc.object.SqlUpdate.class))
            .or(anyAccessTo(org.springframework.jdbc.datasource.init.DatabasePopulator.class));

    @Test
    void nothingOutsideTheWritersCallsAJdbcWrite() {
        noClasses()
                .that()
                .resideOutsideOfPackages(WRITERS)
                .should()
                .accessTargetWhere(JDBC_WRITE)
                .because(
                        "only the operator (the email history), the accounts and the notifier (their own tables) write the"
                                + " database"
                                + " (DESIGN §1); the API reads through its *Queries classes")
                .check(CLASSES);
    }

    @Test
    void controllersDoNotDependOnSpringJdbc() {
        noClasses()
                .that()
                .resideInAPackage("..server.api..")
                .and()
                .areMetaAnnotatedWith(org.springframework.stereotype.Controller.class)
                .or()
                .areMetaAnnotatedWith(org.springframework.web.bind.annotation.ControllerAdvice.class)
                .or()
                .resideInAPackage("..server.dashboard..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..")
                .because("a controller reads through a query class of its package, never SQL of its own")
                .check(CLASSES);
    }

    private static DescribedPredicate<JavaAccess<?>> access(Class<?> type, String... names) {
        Set<String> methods = Set.of(names);
        return DescribedPredicate.describe(
                type.getSimpleName() + "." + String.join("/", names),
                a -> a.getTargetOwner().isAssignableTo(type) && methods.contains(a.getName()));
    }

    private static DescribedPredicate<JavaAccess<?>> anyAccessTo(Class<?> type) {
        return DescribedPredicate.describe(
                "any use of " + type.getSimpleName(), a -> a.getTargetOwner().isAssignableTo(type));
    }

    @Test
    void rolesDoNotDependOnEachOther() {
        for (String role : ROLES) {
            String rolePackage = role.substring(0, role.length() - 2);
            assertThat(CLASSES.stream().filter(c -> c.getPackageName().equals(rolePackage)))
                    .as("classes of role package " + rolePackage)
                    .isNotEmpty();
            String[] others = ROLES.stream().filter(r -> !r.equals(role)).toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage(role)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .check(CLASSES);
        }
    }

    @Test
    void theSecurityChainDependsOnNoRole() {
        // It guards every process, whatever its roles; the API lends it its keys through BearerTokens.
        noClasses()
                .that()
                .resideInAPackage("..server.security..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROLES.toArray(String[]::new))
                .check(CLASSES);
    }

    @Test
    void aProviderPackageDependsOnNoOtherProviderAndNothingOutsideItDependsOnIt() {
        // DESIGN §4: adding a provider touches its package (and its name in the Contract), nothing else.
        assertThat(PROVIDER_PACKAGES)
                .as("provider packages found under " + PROVIDERS)
                .isNotEmpty();
        for (String provider : PROVIDER_PACKAGES) {
            String own = PROVIDERS + "." + provider + "..";
            noClasses()
                    .that()
                    .resideOutsideOfPackage(own)
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(own)
                    .as("nothing outside providers." + provider + " depends on it")
                    .check(CLASSES);
        }
    }

    @Test
    void onlyTheDispatcherAndTheWebhookSinkUseTheProviders() {
        // The API and the operator know providers by name only (the Contract's ProviderNames, and
        // EnabledProviders for what this installation has).
        noClasses()
                .that()
                .resideOutsideOfPackages(PROVIDERS + "..", "..server.dispatcher..", "..server.webhooks..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(PROVIDERS + "..")
                .check(CLASSES);
        // The provider interface and the shared helpers lean on no provider.
        noClasses()
                .that()
                .resideInAnyPackage(PROVIDERS, PROVIDERS + "." + SUPPORT + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROVIDER_PACKAGES.stream()
                        .map(p -> PROVIDERS + "." + p + "..")
                        .toArray(String[]::new))
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
            assertThat(descriptors)
                    .as("ProviderDescriptor classes in providers." + provider)
                    .hasSize(1);
            Constructor<?> constructor = descriptors.get(0).reflect().getDeclaredConstructor();
            constructor.setAccessible(true);
            String name = ((ProviderDescriptor) constructor.newInstance()).name();
            assertThat(name).as("the name declared by providers." + provider).isEqualTo(provider);
            declared.add(name);
        }
        assertThat(declared)
                .as("names the provider packages declare, against dev.mailroom.contracts.ProviderNames")
                .isEqualTo(new TreeSet<>(ProviderNames.all()));
    }
}
