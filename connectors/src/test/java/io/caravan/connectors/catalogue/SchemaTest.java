package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

/**
 * The migrations on H2: they make exactly the shape {@code schema.sql} shows, run once each, and bring a
 * catalogue made before versioned migrations (by the release 0.1 script, which ran on every start) to it
 * with every file kept.
 */
class SchemaTest {

    static JdbcConnectionPool emptyH2() {
        return JdbcConnectionPool.create("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Test
    void should_migrate_an_empty_database_to_the_shape_schema_sql_shows() throws Exception {
        JdbcConnectionPool migrated = emptyH2();
        JdbcConnectionPool documented = emptyH2();
        try {
            Database.migrate(migrated);
            run(documented, "schema.sql");
            List<String> shape = shape(migrated);
            assertEquals(shape(documented), shape);
            assertTrue(shape.contains("replicas.blob CHARACTER VARYING(64) NOT NULL"), String.join("\n", shape));
            assertTrue(shape.contains("files.search_text CHARACTER VARYING(40000) NOT NULL"), String.join("\n", shape));
            assertEquals(migrations(), versions(migrated), "each migration once");
            assertTrue(migrations().size() >= 3, migrations().toString());
            Database.migrate(migrated);
            assertEquals(migrations(), versions(migrated), "nothing runs twice");
        } finally {
            migrated.dispose();
            documented.dispose();
        }
    }

    @Test
    void should_bring_a_catalogue_of_the_release_before_migrations_to_the_current_shape_keeping_its_files() throws Exception {
        JdbcConnectionPool old = emptyH2();
        JdbcConnectionPool current = emptyH2();
        try {
            releaseBeforeMigrations(old);

            Database.migrate(old);

            Database.migrate(current);
            assertEquals(shape(current), shape(old), "the same shape as a catalogue made now");
            Catalogue catalogue = new Catalogue(old);
            StoredFile stored = catalogue.files().stored("1-aaaaaaaaaaaa.mp3").orElseThrow();
            assertEquals("song.mp3", stored.file().name());
            assertEquals(FileRecord.STORED, stored.file().state());
            assertEquals("g1-a", stored.replicas().get(0).node());
            assertEquals("1-aaaaaaaaaaaa.mp3", stored.replicas().get(0).blob());
            assertEquals(40L, stored.replicas().get(0).offset());
            assertEquals(77L, stored.replicas().get(0).verifiedMtime());
            assertEquals(Map.of("title", "Song"), catalogue.meta().of("1-aaaaaaaaaaaa.mp3"));
            List<String> expected = new ArrayList<>(List.of("0"));
            expected.addAll(migrations());
            assertEquals(expected, versions(old), "taken as version 0, then each migration once");
        } finally {
            old.dispose();
            current.dispose();
        }
    }

    /**
     * Makes {@code ds} a catalogue as release 0.1 left it, the script it ran on every start, unchanged, holding
     * one stored file {@code 1-aaaaaaaaaaaa.mp3} with its copy on g1-a (partition 2, offset 40, checked at
     * modification time 77) and the metadata {@code title=Song}.
     */
    static void releaseBeforeMigrations(DataSource ds) throws IOException, SQLException {
        run(ds, "migration/V1__release_0_1.sql");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO files (id, name, size, sha256, content_type, grp, state, created, search_text, blob) "
                    + "VALUES ('1-aaaaaaaaaaaa.mp3', 'song.mp3', 3, '" + "a".repeat(64) + "', 'audio/mpeg', 'g1', 'STORED', "
                    + "TIMESTAMP '2026-11-21 10:00:00', 'song.mp3', '1-aaaaaaaaaaaa.mp3')");
            st.execute("INSERT INTO replicas (file_id, node, state, partition_no, offset_no, updated, verified_mtime) "
                    + "VALUES ('1-aaaaaaaaaaaa.mp3', 'g1-a', 'VERIFIED', 2, 40, TIMESTAMP '2026-11-21 10:00:00', 77)");
            st.execute("INSERT INTO file_meta (file_id, k, v) VALUES ('1-aaaaaaaaaaaa.mp3', 'title', 'Song')");
        }
    }

    /** Runs a script of this package's resources, statement by statement (comment lines left out). */
    static void run(DataSource ds, String resource) throws IOException, SQLException {
        String script;
        try (InputStream in = SchemaTest.class.getResourceAsStream(resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            String code = script.lines().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n"));
            for (String sql : code.split(";")) {
                if (!sql.isBlank()) {
                    st.execute(sql.trim());
                }
            }
        }
    }

    /**
     * The shape of the catalogue's tables, one line per column, primary key and index, sorted: names, types with
     * their sizes, nullability, key and index columns. Flyway's own table is left out.
     */
    static List<String> shape(DataSource ds) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    String table = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                    if (("PUBLIC".equalsIgnoreCase(schema)) && !table.equals("flyway_schema_history")) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
            }
            for (String table : tables) {
                String t = table.toLowerCase(Locale.ROOT);
                try (ResultSet rs = md.getColumns(null, null, table, "%")) {
                    while (rs.next()) {
                        String type = rs.getString("TYPE_NAME").toUpperCase(Locale.ROOT);
                        boolean sized = type.contains("CHAR");
                        out.add(t + "." + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT) + " " + type
                                + (sized ? "(" + rs.getInt("COLUMN_SIZE") + ")" : "")
                                + ("NO".equals(rs.getString("IS_NULLABLE")) ? " NOT NULL" : "")
                                + ("YES".equals(rs.getString("IS_AUTOINCREMENT")) ? " IDENTITY" : ""));
                    }
                }
                List<String> key = new ArrayList<>(new TreeMap<Integer, String>() { {
                    try (ResultSet rs = md.getPrimaryKeys(null, null, table)) {
                        while (rs.next()) {
                            put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                        }
                    }
                } }.values());
                out.add(t + " PRIMARY KEY " + key);
                Map<String, TreeMap<Integer, String>> indexes = new TreeMap<>();
                try (ResultSet rs = md.getIndexInfo(null, null, table, false, false)) {
                    while (rs.next()) {
                        if (rs.getString("INDEX_NAME") != null && rs.getString("COLUMN_NAME") != null) {
                            indexes.computeIfAbsent(rs.getString("INDEX_NAME").toLowerCase(Locale.ROOT), k -> new TreeMap<>())
                                    .put(rs.getInt("ORDINAL_POSITION"), rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                        }
                    }
                }
                indexes.forEach((name, columns) -> {
                    List<String> cols = List.copyOf(columns.values());
                    if (!cols.equals(key)) { // the primary key's own index, named differently by each database
                        out.add(t + " INDEX " + name + " " + cols);
                    }
                });
            }
        }
        out.sort(null);
        return out;
    }

    /** The versions of the migrations in {@code migration/} ({@code V<n>__<what>.sql}), in order. */
    static List<String> migrations() throws Exception {
        java.net.URI uri = SchemaTest.class.getResource("migration").toURI();
        if ("jar".equals(uri.getScheme())) { // the integration tests read the module's jar
            try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(uri, Map.of())) {
                return migrations(jar.provider().getPath(uri));
            }
        }
        return migrations(Path.of(uri));
    }

    private static List<String> migrations(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
        }
    }

    /** The versions Flyway's history records, in order (not its row for a schema it created). */
    static List<String> versions(DataSource ds) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
