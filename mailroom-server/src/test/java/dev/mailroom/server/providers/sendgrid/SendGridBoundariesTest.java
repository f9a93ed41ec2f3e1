package dev.mailroom.server.providers.sendgrid;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN §4: adding a provider touches its package and nothing else, and no provider leans on another. */
class SendGridBoundariesTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mailroom.server");

    @Test
    void sendGridDependsOnNoOtherProviderAndNoOtherProviderOnIt() {
        noClasses().that().resideInAPackage("..providers.sendgrid..")
                .should().dependOnClassesThat().resideInAnyPackage("..providers.sandbox..", "..providers.smtp..", "..providers.postmark..",
                        "..providers.ses..", "..providers.mailgun..", "..providers.resend..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage("..providers.sendgrid..")
                .should().dependOnClassesThat().resideInAPackage("..providers.sendgrid..")
                .check(CLASSES);
    }
}
