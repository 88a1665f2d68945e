package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/** Reading rows into records and binding lists, shared by the stores. */
final class Rows {

    /** The columns {@link #file} reads, of {@code files f}. */
    static final String FILE_COLUMNS = "f.id, f.name, f.size, f.sha256, f.content_type, f.grp, f.state, f.created, f.blob";

    /** The columns {@link #replica} reads, of {@code replicas r}. */
    static final String REPLICA_COLUMNS = "r.blob, r.node, r.state, r.partition_no, r.offset_no, r.verified_mtime";

    /** At most this many values in one {@code IN (...)} list. */
    static final int IN_LIST_MAX = 500;

    private Rows() {
    }

    /** The file in the nine {@link #FILE_COLUMNS} from column 1. */
    static FileRecord file(ResultSet rs) throws SQLException {
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getString(9));
    }

    /** The replica in the six {@link #REPLICA_COLUMNS} from column {@code first}. */
    static Replica replica(ResultSet rs, int first) throws SQLException {
        return new Replica(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2),
                (Integer) rs.getObject(first + 3), longOrNull(rs, first + 4), longOrNull(rs, first + 5));
    }

    static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    /** {@code values} without repeats, cut into lists of at most {@value #IN_LIST_MAX}, one {@code IN (...)} each. */
    static List<List<String>> inLists(Collection<String> values) {
        List<String> all = List.copyOf(new LinkedHashSet<>(values));
        List<List<String>> lists = new ArrayList<>();
        for (int from = 0; from < all.size(); from += IN_LIST_MAX) {
            lists.add(all.subList(from, Math.min(all.size(), from + IN_LIST_MAX)));
        }
        return lists;
    }

    /** Binds {@code values} to the first parameters of {@code ps}; the index of the next parameter. */
    static int bindAll(PreparedStatement ps, List<String> values) throws SQLException {
        int i = 1;
        for (String v : values) {
            ps.setString(i++, v);
        }
        return i;
    }

    /** {@code n} comma-separated parameter marks, for an {@code IN (...)} list. */
    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** {@code text} matched literally by {@code LIKE ... ESCAPE '!'}. */
    static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
