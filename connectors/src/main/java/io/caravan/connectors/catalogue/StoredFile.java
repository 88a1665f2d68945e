package io.caravan.connectors.catalogue;

import java.util.List;

/** A stored file with all its replica rows, as one read of the catalogue returns them. */
public record StoredFile(FileRecord file, List<Replica> replicas) {

    public StoredFile {
        replicas = List.copyOf(replicas);
    }
}
