package io.caravan.processors.extensions;

import java.time.Instant;
import java.util.List;

/**
 * One file of the extension folder as Caravan last saw it: its state, the routes it runs (and those its
 * preconditions keep out), when its running version was loaded, and why the last version was refused.
 */
public record Extension(String file, State state, List<String> routes, List<String> disabledRoutes, Instant loaded,
                        String error) {

    /** What became of a file. */
    public enum State {
        /** Its routes run (a refused later version leaves the earlier one running: see {@link #error}). */
        RUNNING,
        /** It never loaded: it does not parse or its routes do not start. */
        REFUSED,
        /** It was deleted: its routes were stopped and removed. */
        REMOVED
    }

    public Extension {
        routes = List.copyOf(routes);
        disabledRoutes = List.copyOf(disabledRoutes);
    }
}
