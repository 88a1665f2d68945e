package io.caravan.processors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of {@code processors/}, checked on every build: one package per role with no cycles between
 * them; the domain roles typed in and typed out (no JDBC, no Netty, no Camel, no edge package); JDBC nowhere
 * here (it lives in {@code connectors/}); and a class called a processor is a Camel processor.
 */
@AnalyzeClasses(packages = "io.caravan.processors", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The roles: what the routes call by bean name, in the domain's own terms. */
    static final String[] DOMAIN = {"..processors.files..", "..processors.events..", "..processors.tracker..",
        "..processors.replication..", "..processors.serving..", "..processors.media..", "..processors.live..", "..processors.metrics..", "..processors.support.."};

    /** The edges: HTTP handlers, the Netty pieces, the Kafka records, the extension folder (Camel routes). */
    static final String[] EDGE = {"..processors.api..", "..processors.netty..", "..processors.kafka..", "..processors.extensions.."};

    @ArchTest
    static final ArchRule packages_form_no_cycles = slices().matching("io.caravan.processors.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule no_jdbc_in_processors = noClasses().should().dependOnClassesThat().resideInAPackage("java.sql..")
            .because("all SQL lives in connectors/ (the catalogue's stores)");

    @ArchTest
    static final ArchRule domain_knows_no_transport = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.apache.camel..")
            .because("only the HTTP and Kafka edges know Netty, Exchange and Camel; the domain is typed in and typed out");

    @ArchTest
    static final ArchRule domain_does_not_call_the_edges = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage(EDGE);

    @ArchTest
    static final ArchRule processors_are_camel_processors = classes().that().haveSimpleNameEndingWith("Processor")
            .should().implement(org.apache.camel.Processor.class).allowEmptyShould(true);
}
