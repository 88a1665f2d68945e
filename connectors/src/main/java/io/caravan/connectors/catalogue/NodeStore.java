package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code nodes} table (the tracker's view of every node, shared by the gateways) and {@code node_config}
 * (the nodes added at runtime, with their settings); the cluster's identity and when each node was formatted.
 */
public final class NodeStore {

    private final Catalogue catalogue;

    NodeStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Writes the tracker's view of a node. */
    public void save(NodeRow node) {
        catalogue.transaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE nodes SET grp = ?, kind = ?, state = ?, free_bytes = ?, last_beat = ?, last_error = ? WHERE name = ?")) {
                bind(ps, node);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO nodes (grp, kind, state, free_bytes, last_beat, last_error, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    bind(ps, node);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The state of every node as last written by any gateway, by name. */
    public Map<String, String> states() {
        return catalogue.read(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, state FROM nodes");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** The cluster's id, made (a random UUID) by the first gateway that asks. */
    public String clusterId(Instant now) {
        Optional<String> id = readClusterId();
        if (id.isPresent()) {
            return id.get();
        }
        try {
            catalogue.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_identity (name, id, created) VALUES ('cluster', ?, ?)")) {
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (CatalogueException e) {
            // another gateway made it at the same moment: its id is the cluster's
        }
        return readClusterId().orElseThrow(() -> new CatalogueException(new SQLException("the cluster id could not be made")));
    }

    private Optional<String> readClusterId() {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM cluster_identity WHERE name = 'cluster'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
    }

    /** When node {@code name}'s identity was written, if ever. */
    public Optional<Instant> formatted(String name) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT formatted FROM nodes WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                    return Optional.ofNullable(t).map(Timestamp::toInstant);
                }
            }
        });
    }

    /**
     * Records that node {@code name} (of {@code group}, {@code kind}) was formatted at {@code at}; with
     * {@code refill} it waits to be refilled from then on, and its copies are forgotten (they are not on it), in
     * one transaction.
     */
    public void markFormatted(String name, String group, String kind, Instant at, boolean refill) {
        catalogue.transaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET formatted = ?, refill_since = ? WHERE name = ?")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setTimestamp(2, refill ? Timestamp.from(at) : null);
                ps.setString(3, name);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO nodes (name, grp, kind, state, formatted, refill_since) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, group);
                    ps.setString(3, kind);
                    ps.setString(4, refill ? "SYNCING" : "ACTIVE");
                    ps.setTimestamp(5, Timestamp.from(at));
                    ps.setTimestamp(6, refill ? Timestamp.from(at) : null);
                    ps.executeUpdate();
                }
            }
            if (refill) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE node = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The nodes waiting to be refilled after a format, with since when. */
    public Map<String, Instant> refilling() {
        return catalogue.read(c -> {
            Map<String, Instant> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, refill_since FROM nodes WHERE refill_since IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
            return out;
        });
    }

    /** Node {@code name} is refilled with everything its group had at {@code upTo}: it waits no more unless formatted since. */
    public void refilled(String name, Instant upTo) {
        catalogue.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET refill_since = NULL WHERE name = ? AND refill_since <= ?")) {
                ps.setString(1, name);
                ps.setTimestamp(2, Timestamp.from(upTo));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Settings (Properties text) of the nodes added at runtime, by name. */
    public Map<String, String> configs() {
        return catalogue.read(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, settings FROM node_config");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Records a node added at runtime. */
    public void saveConfig(String name, String settings) {
        catalogue.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO node_config (name, settings) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, settings);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets a node: its runtime definition, its tracker row and its replica rows, in one transaction. */
    public void forget(String name) {
        catalogue.transaction(c -> {
            for (String sql : new String[] {"DELETE FROM replicas WHERE node = ?", "DELETE FROM nodes WHERE name = ?",
                "DELETE FROM node_config WHERE name = ?"}) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void bind(PreparedStatement ps, NodeRow n) throws SQLException {
        ps.setString(1, n.group());
        ps.setString(2, n.kind());
        ps.setString(3, n.state());
        ps.setObject(4, n.freeBytes(), Types.BIGINT);
        ps.setTimestamp(5, n.lastBeat() == null ? null : Timestamp.from(n.lastBeat()));
        ps.setString(6, n.error() == null ? null : n.error().substring(0, Math.min(1000, n.error().length())));
        ps.setString(7, n.name());
    }
}
