package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code nodes} table (the tracker's view of every node, shared by the gateways) and {@code node_config}
 * (the nodes added at runtime, with their settings).
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
