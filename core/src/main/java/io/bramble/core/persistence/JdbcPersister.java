package io.bramble.core.persistence;

import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.state.StateJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Persists steps to a SQL database over JDBC (tested on SQLite; the SQL is standard plus {@code ON
 * CONFLICT}, which PostgreSQL shares). One connection, used under a lock, so the parallel
 * executor's threads may share it; {@link #copy()} shares it too.
 */
public final class JdbcPersister implements Persister, AutoCloseable {
  private final Connection connection;
  private final String table;

  public JdbcPersister(Connection connection, String table) {
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "table name '" + table + "' is not a plain SQL identifier");
    }
    this.connection = connection;
    this.table = table;
    createTable();
  }

  /** A persister on the SQLite file at {@code file}, created if missing. */
  public static JdbcPersister sqlite(Path file) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=5000");
      }
      return new JdbcPersister(c, "bramble_steps");
    } catch (SQLException e) {
      throw new PersistenceException(
          "cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }
  }

  private synchronized void createTable() {
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " ("
              + "partition_key TEXT NOT NULL, app_id TEXT NOT NULL, sequence_id BIGINT NOT NULL, "
              + "position TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL, "
              + "created_at BIGINT NOT NULL, PRIMARY KEY (partition_key, app_id, sequence_id))");
    } catch (SQLException e) {
      throw new PersistenceException("cannot create table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void save(
      String partitionKey,
      String appId,
      long sequenceId,
      String position,
      State state,
      Status status) {
    String sql =
        "INSERT INTO "
            + table
            + " (partition_key, app_id, sequence_id, position, state, status, created_at) VALUES (?,?,?,?,?,?,?)"
            + " ON CONFLICT (partition_key, app_id, sequence_id) DO UPDATE SET position = excluded.position,"
            + " state = excluded.state, status = excluded.status, created_at = excluded.created_at";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, key(partitionKey));
      ps.setString(2, appId);
      ps.setLong(3, sequenceId);
      ps.setString(4, position);
      ps.setString(5, StateJson.write(state.asMap()));
      ps.setString(6, status.name());
      ps.setLong(7, System.currentTimeMillis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new PersistenceException(
          "cannot save step " + sequenceId + " of app " + appId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<PersistedState> load(
      String partitionKey, String appId, Long sequenceId) {
    String sql =
        "SELECT sequence_id, position, state, status FROM "
            + table
            + " WHERE partition_key = ? AND app_id = ?"
            + (sequenceId == null ? " ORDER BY sequence_id DESC LIMIT 1" : " AND sequence_id = ?");
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, key(partitionKey));
      ps.setString(2, appId);
      if (sequenceId != null) {
        ps.setLong(3, sequenceId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new PersistedState(
                partitionKey,
                appId,
                rs.getLong(1),
                rs.getString(2),
                StateInternals.restore(StateJson.read(rs.getString(3))),
                Status.valueOf(rs.getString(4))));
      }
    } catch (SQLException e) {
      throw new PersistenceException("cannot load app " + appId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> listAppIds(String partitionKey) {
    String sql =
        "SELECT app_id FROM "
            + table
            + " WHERE partition_key = ? GROUP BY app_id ORDER BY MIN(created_at), app_id";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, key(partitionKey));
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new PersistenceException("cannot list apps: " + e.getMessage(), e);
    }
  }

  // SQL NULLs never compare equal in a primary key, so a missing partition key is stored as ''.
  private static String key(String partitionKey) {
    return partitionKey == null ? "" : partitionKey;
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new PersistenceException("cannot close: " + e.getMessage(), e);
    }
  }
}
