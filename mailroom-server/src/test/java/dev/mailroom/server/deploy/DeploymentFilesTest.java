package dev.mailroom.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.server.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The deployment files (deploy/: the sample production configuration, the systemd units and their environment files,
 * the Kubernetes manifests) name only properties that exist and roles that exist. A property exists when the
 * configuration metadata on the class path defines it (Mailroom's own, generated from MailroomProperties and the
 * provider properties, and Spring Boot's jars), or when Mailroom reads it from the Environment itself
 * ({@code mailroom.roles}, {@code mailroom.providers.<name>.enabled}). Environment variables are mapped back the way
 * Spring's relaxed binding reads them ({@code MAILROOM_PROVIDERS_SENDGRID_API_KEY} is
 * {@code mailroom.providers.sendgrid.api-key}); a name under a map property ({@code mailroom.dispatcher.rate-limits.
 * sendgrid}) exists when the map does. Commented-out lines are not checked: they may name what another branch adds.
 */
class DeploymentFilesTest {
    /** Names under these prefixes are Spring properties and must exist; other names (JAVA_OPTS) are not ours. */
    private static final List<String> PREFIXES = List.of("mailroom", "spring", "server", "management", "logging");

    private static final Pattern ENV_ASSIGNMENT = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$");
    private static final Pattern PROPERTY_ASSIGNMENT = Pattern.compile("^([a-z][a-z0-9.\\[\\]_-]*)\\s*[=:]\\s*(.*)$");
    private static final Pattern ARGUMENT = Pattern.compile("--([a-z][a-z0-9.\\[\\]_-]*)=(\\S*)");

    private static final Path ROOT = projectRoot();
    private static final KnownProperties KNOWN = KnownProperties.fromClassPath();

    @Test
    void theSampleProductionConfigurationNamesOnlyPropertiesThatExist() throws IOException {
        Findings findings = new Findings();
        Path file = ROOT.resolve("deploy/production.properties");
        for (String line : Files.readAllLines(file)) {
            Matcher m = PROPERTY_ASSIGNMENT.matcher(line.strip());
            if (!line.strip().startsWith("#") && m.matches()) {
                findings.property(file, m.group(1), m.group(2));
            }
        }
        assertThat(findings.checked).as("properties read from %s", file).isGreaterThan(10);
        assertThat(findings.problems).isEmpty();
    }

    @Test
    void theSystemdUnitsAndTheirEnvironmentFilesNameOnlyPropertiesAndRolesThatExist() throws IOException {
        Findings findings = new Findings();
        List<Path> files = filesUnder("deploy/systemd");
        for (Path file : files) {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.startsWith("#")) {
                    continue;
                }
                if (file.toString().endsWith(".service")) {
                    if (line.startsWith("Environment=")) {
                        envAssignment(findings, file, line.substring("Environment=".length()));
                    }
                    if (line.startsWith("ExecStart=")) {
                        Matcher m = ARGUMENT.matcher(line);
                        while (m.find()) {
                            findings.property(file, m.group(1), m.group(2));
                        }
                    }
                } else if (file.toString().endsWith(".env")) {
                    envAssignment(findings, file, line);
                }
            }
        }
        assertThat(findings.checked).as("names read from %s", files).isGreaterThan(20);
        assertThat(findings.problems).isEmpty();
        assertThat(findings.roles).as("every role runs somewhere").isEqualTo(EnumSet.allOf(Role.class));
    }

    @Test
    void theKubernetesManifestsNameOnlyPropertiesAndRolesThatExist() throws IOException {
        Findings findings = new Findings();
        YAMLMapper yaml = YAMLMapper.builder().build();
        List<Path> files = filesUnder("deploy/kubernetes");
        for (Path file : files) {
            if (!file.toString().endsWith(".yaml")) {
                continue;
            }
            List<JsonNode> documents = yaml.readerFor(JsonNode.class)
                    .<JsonNode>readValues(Files.readString(file))
                    .readAll();
            for (JsonNode document : documents) {
                manifest(findings, file, document);
            }
        }
        assertThat(findings.checked).as("names read from %s", files).isGreaterThan(20);
        assertThat(findings.problems).isEmpty();
        assertThat(findings.roles).as("every role has a Deployment").isEqualTo(EnumSet.allOf(Role.class));
    }

    /** The check itself: it refuses what does not exist, in both spellings, and accepts what relaxed binding reads. */
    @Test
    void theCheckRefusesUnknownPropertiesAndRolesAndMapsEnvironmentVariablesBack() {
        assertThat(KNOWN.property("mailroom.providers.sendgrid.api-key")).isTrue();
        assertThat(KNOWN.environmentVariable("MAILROOM_PROVIDERS_SENDGRID_API_KEY"))
                .isTrue();
        assertThat(KNOWN.environmentVariable("MAILROOM_PROVIDERS_SENDGRID_APIKEY"))
                .isTrue();
        assertThat(KNOWN.environmentVariable("MAILROOM_DISPATCHER_RATE_LIMITS_SENDGRID"))
                .isTrue();
        assertThat(KNOWN.property("mailroom.accounts.plans.starter.per-minute")).isTrue();
        assertThat(KNOWN.environmentVariable("MAILROOM_ROLES")).isTrue();
        assertThat(KNOWN.environmentVariable("MAILROOM_PROVIDERS_POSTMARK_ENABLED"))
                .isTrue();
        assertThat(KNOWN.environmentVariable("SPRING_RABBITMQ_ADDRESSES")).isTrue();
        assertThat(KNOWN.property("logging.structured.format.console")).isTrue();

        assertThat(KNOWN.property("mailroom.providers.sendgrid.apikey-typo")).isFalse();
        assertThat(KNOWN.environmentVariable("MAILROOM_PROVIDERS_SENDGRID_API_KEYS"))
                .isFalse();
        assertThat(KNOWN.environmentVariable("MAILROOM_PROVIDERS_MAILCHIMP_ENABLED"))
                .isFalse();
        assertThat(KNOWN.environmentVariable("SPRING_RABBITMQ_ADRESSES")).isFalse();
        assertThat(KNOWN.property("management.server.prot")).isFalse();

        Findings findings = new Findings();
        findings.environmentVariable(Path.of("example.env"), "MAILROOM_ROLES", "api,mailer");
        findings.property(Path.of("example.properties"), "mailroom.roles", "operator,dispatcher");
        assertThat(findings.problems).singleElement().asString().contains("mailer");
        assertThatThrownBy(() -> Role.parse("mailer")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void envAssignment(Findings findings, Path file, String line) {
        Matcher m = ENV_ASSIGNMENT.matcher(line);
        if (m.matches()) {
            findings.environmentVariable(file, m.group(1), m.group(2));
        }
    }

    /** A ConfigMap's or Secret's keys (the Deployments take them as environment variables), every env and args. */
    private static void manifest(Findings findings, Path file, JsonNode node) {
        if (node == null) {
            return;
        }
        String kind = node.path("kind").asString("");
        if (kind.equals("ConfigMap") || kind.equals("Secret")) {
            for (String section : List.of("data", "stringData")) {
                for (Map.Entry<String, JsonNode> entry : node.path(section).properties()) {
                    findings.environmentVariable(
                            file, entry.getKey(), entry.getValue().asString(""));
                }
            }
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = field.getValue();
                if (field.getKey().equals("env") && value.isArray()) {
                    for (JsonNode variable : value) {
                        findings.environmentVariable(
                                file,
                                variable.path("name").asString(""),
                                variable.path("value").asString(""));
                    }
                } else if ((field.getKey().equals("args") || field.getKey().equals("command")) && value.isArray()) {
                    for (JsonNode argument : value) {
                        Matcher m = ARGUMENT.matcher(argument.asString(""));
                        if (m.matches()) {
                            findings.property(file, m.group(1), m.group(2));
                        }
                    }
                } else {
                    manifest(findings, file, value);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                manifest(findings, file, element);
            }
        }
    }

    private static List<Path> filesUnder(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
            List<Path> list = files.filter(Files::isRegularFile).sorted().toList();
            assertThat(list).as("files under %s", dir).isNotEmpty();
            return list;
        }
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** What one file named: the problems, how many names were checked, and the roles it runs. */
    private static final class Findings {
        final List<String> problems = new ArrayList<>();
        final Set<Role> roles = EnumSet.noneOf(Role.class);
        int checked;

        void environmentVariable(Path file, String name, String value) {
            if (!ours(name.toLowerCase(Locale.ROOT).replace('_', '.'))) {
                return;
            }
            checked++;
            if (!KNOWN.environmentVariable(name)) {
                problems.add(ROOT.relativize(file.toAbsolutePath()) + ": no property is read from " + name);
            }
            if (name.equals("MAILROOM_ROLES")) {
                role(file, value);
            }
        }

        void property(Path file, String name, String value) {
            if (!ours(name)) {
                return;
            }
            checked++;
            if (!KNOWN.property(name)) {
                problems.add(ROOT.relativize(file.toAbsolutePath()) + ": no property " + name);
            }
            if (name.equals(Role.PROPERTY)) {
                role(file, value);
            }
        }

        private void role(Path file, String value) {
            try {
                roles.addAll(Role.parse(value));
            } catch (IllegalArgumentException e) {
                problems.add(ROOT.relativize(file.toAbsolutePath()) + ": " + e.getMessage());
            }
        }

        private static boolean ours(String name) {
            return PREFIXES.stream().anyMatch(prefix -> name.startsWith(prefix + "."));
        }
    }

    /** The property names the configuration metadata on the class path defines, with the map-valued ones. */
    private record KnownProperties(Set<String> names, Set<String> maps) {
        static KnownProperties fromClassPath() {
            Set<String> names = new HashSet<>();
            Set<String> maps = new HashSet<>();
            JsonMapper json = JsonMapper.builder().build();
            for (String resource : List.of(
                    "META-INF/spring-configuration-metadata.json",
                    "META-INF/additional-spring-configuration-metadata.json")) {
                try {
                    for (URL url : Collections.list(
                            DeploymentFilesTest.class.getClassLoader().getResources(resource))) {
                        try (InputStream in = url.openStream()) {
                            for (JsonNode property : json.readTree(in).path("properties")) {
                                String name = property.path("name").asString("");
                                names.add(name);
                                if (property.path("type").asString("").startsWith("java.util.Map<")) {
                                    maps.add(name);
                                }
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            // Read from the Environment by Mailroom itself, not bound: Role and EnabledProviders.
            names.add(Role.PROPERTY);
            for (String provider : ProviderNames.all()) {
                names.add("mailroom.providers." + provider + ".enabled");
            }
            assertThat(names)
                    .as("Mailroom's generated metadata (spring-boot-configuration-processor) is on the class path")
                    .contains("mailroom.public-url", "spring.rabbitmq.addresses", "server.port");
            return new KnownProperties(Set.copyOf(names), Set.copyOf(maps));
        }

        boolean property(String name) {
            String canonical = canonical(name);
            for (String known : names) {
                if (canonical(known).equals(canonical)) {
                    return true;
                }
            }
            for (String map : maps) {
                if (canonical.startsWith(canonical(map) + ".")) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Relaxed binding from the environment: upper case, '_' for '.', and a '-' either dropped or written '_'
         * (MAILROOM_API_BOOTSTRAPKEY, MAILROOM_API_BOOTSTRAP_KEY).
         */
        boolean environmentVariable(String name) {
            for (String known : names) {
                if (environmentForms(known).contains(name)) {
                    return true;
                }
            }
            for (String map : maps) {
                for (String form : environmentForms(map)) {
                    if (name.startsWith(form + "_")) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static final Map<String, Set<String>> FORMS = new ConcurrentHashMap<>();

        private static Set<String> environmentForms(String property) {
            return FORMS.computeIfAbsent(property, p -> {
                String upper = p.toUpperCase(Locale.ROOT).replace('.', '_');
                return Set.copyOf(List.of(upper.replace('-', '_'), upper.replace("-", "")));
            });
        }

        /** Spring's canonical form: lower case, no dashes. */
        private static String canonical(String name) {
            return name.toLowerCase(Locale.ROOT).replace("-", "");
        }
    }
}
