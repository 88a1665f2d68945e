package io.caravan.processors.serving;

import java.net.URI;
import java.nio.file.Path;

import io.caravan.connectors.storage.StorageNode;

/** Where the bytes of a GET come from, and so how they are sent. */
public sealed interface Source {

    /** The node whose copy is read. */
    StorageNode node();

    /** A copy on a local disk: sent zero-copy ({@code sendfile}). */
    record LocalFile(StorageNode node, Path path) implements Source {
    }

    /** A copy at a plain-HTTP URL (an S3 node): relayed buffer by buffer, as a reverse proxy does. */
    record Relay(StorageNode node, URI url) implements Source {
    }

    /** A copy read through the node's own client (an S3 node over TLS, several ranges, the relay off). */
    record NodeStream(StorageNode node) implements Source {
    }
}
