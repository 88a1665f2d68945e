package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;

import io.caravan.processors.extensions.Extension;
import io.caravan.processors.extensions.ExtensionFolder;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension folder on a real CamelContext with one route of Caravan's own: files added, changed, broken,
 * switched off and removed, each scan doing only what the folder says, and never touching the own route.
 */
class ExtensionFolderTest {

    @TempDir
    Path dir;
    private CamelContext context;
    private ExtensionFolder folder;

    /** A route file with one route {@code id} that answers {@code direct:id} with {@code reply}. */
    private static String route(String id, String reply) {
        return "- route:\n    id: " + id + "\n    from:\n      uri: direct:" + id + "\n      steps:\n"
                + "        - setBody:\n            constant: \"" + reply + "\"\n";
    }

    private String call(String id) {
        return context.createProducerTemplate().requestBody("direct:" + id, "", String.class);
    }

    private Extension report(String file) {
        return folder.extensions().stream().filter(e -> e.file().equals(file)).findFirst().orElseThrow();
    }

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        Properties p = new Properties();
        p.setProperty("caravan.extensions.night.enabled", "false");
        context.getPropertiesComponent().setInitialProperties(p);
        // a lambda, not a RouteBuilder subclass: Camel Main's package scan of io.caravan.app would pick one up
        RouteBuilder.addRoutes(context, rb -> rb.from("direct:own").routeId("own").setBody(rb.constant("own")));
        folder = new ExtensionFolder(dir.resolve("extensions"), Clock.systemUTC());
        Files.writeString(folder.dir().resolve("hello.camel.yaml"), route("hello", "hi"));
        context.addStartupListener(folder);
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void should_load_the_folder_at_start_and_apply_each_change_on_the_next_scan() throws Exception {
        assertEquals("hi", call("hello"), "loaded once Caravan started");
        assertEquals(Extension.State.RUNNING, report("hello.camel.yaml").state());
        assertEquals(List.of("hello"), report("hello.camel.yaml").routes());
        assertNotNull(report("hello.camel.yaml").loaded());

        Files.writeString(folder.dir().resolve("hello.camel.yaml"), route("hello", "hello again"));
        Files.writeString(folder.dir().resolve("more.camel.yaml"), route("more", "more"));
        folder.scan();
        assertEquals("hello again", call("hello"), "replaced");
        assertEquals("more", call("more"), "added");

        Files.delete(folder.dir().resolve("more.camel.yaml"));
        folder.scan();
        assertNull(context.getRoute("more"), "stopped and removed");
        assertEquals(Extension.State.REMOVED, report("more.camel.yaml").state());
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("own"), "Caravan's own route never stopped");
        assertEquals("own", call("own"));
    }

    @Test
    void should_refuse_a_broken_version_and_keep_the_previous_one_running() throws Exception {
        Files.writeString(folder.dir().resolve("hello.camel.yaml"), "- route:\n    id: hello\n    from:\n      urr: direct:x\n");
        folder.scan();
        Extension refused = report("hello.camel.yaml");
        assertEquals(Extension.State.RUNNING, refused.state(), "the previous version still runs");
        assertNotNull(refused.error());
        assertEquals("hi", call("hello"));

        Files.writeString(folder.dir().resolve("bad.camel.yaml"), "- route: [not, a, route");
        Files.writeString(folder.dir().resolve("noid.camel.yaml"), "- route:\n    from:\n      uri: direct:noid\n      steps:\n        - log: x\n");
        Files.writeString(folder.dir().resolve("steal.camel.yaml"), route("own", "stolen"));
        Files.writeString(folder.dir().resolve("nostart.camel.yaml"),
                "- route:\n    id: nostart\n    from:\n      uri: direct:nostart\n      steps:\n        - bean:\n            ref: noSuchBean\n");
        folder.scan();
        assertEquals(Extension.State.REFUSED, report("bad.camel.yaml").state());
        assertTrue(report("noid.camel.yaml").error().contains("every route needs an id"), report("noid.camel.yaml").error());
        assertTrue(report("steal.camel.yaml").error().contains("route id own is taken"), report("steal.camel.yaml").error());
        assertEquals(Extension.State.REFUSED, report("nostart.camel.yaml").state());
        assertNull(context.getRoute("nostart"), "nothing of a file that does not start is left");
        assertEquals("own", call("own"), "the own route was not replaced");
        assertEquals("hi", call("hello"));
    }

    @Test
    void should_keep_a_switched_off_route_out_until_its_property_turns_it_on() throws Exception {
        Files.writeString(folder.dir().resolve("night.camel.yaml"), "- route:\n    id: night\n"
                + "    precondition: \"{{caravan.extensions.night.enabled:true}}\"\n    from:\n      uri: direct:night\n"
                + "      steps:\n        - setBody:\n            constant: night\n");
        folder.scan();
        Extension night = report("night.camel.yaml");
        assertEquals(Extension.State.RUNNING, night.state());
        assertEquals(List.of(), night.routes());
        assertEquals(List.of("night"), night.disabledRoutes());
        assertNull(context.getRoute("night"));
    }

    @Test
    void should_refuse_a_file_with_a_route_configuration() throws Exception {
        Files.writeString(folder.dir().resolve("errors.camel.yaml"), """
                - routeConfiguration:
                    id: my-errors
                    onException:
                      - onException:
                          exception:
                            - java.lang.Exception
                          handled:
                            constant: true
                """ + route("guarded", "guarded"));
        folder.scan();
        Extension e = report("errors.camel.yaml");
        assertEquals(Extension.State.REFUSED, e.state());
        assertTrue(e.error().contains("route configurations"), e.error());
        assertNull(context.getRoute("guarded"), "nothing of the file runs");
        assertEquals("own", call("own"));
    }
}
