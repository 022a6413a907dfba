package dev.argondb.controlplane.testing;

import dev.argondb.pgruntime.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Postgres for the whole test JVM (starting one takes about a second), with a fresh database
 * per test so tests never see each other's rows.
 */
public final class SharedPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres postgres;

  private SharedPostgres() {}

  public static synchronized TestPostgres instance() {
    if (postgres == null) {
      try {
        postgres = TestPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      TestPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the temporary directory is gone with the JVM's tmp cleanup at worst
        }
      }));
    }
    return postgres;
  }

  /** Creates an empty database and returns its name. */
  public static String createDatabase() {
    String name = "cp_test_" + DATABASES.incrementAndGet();
    try (Connection conn = connect("postgres"); Statement st = conn.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name);
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return name;
  }

  /** The postgresql:// URL the control plane takes. */
  public static String url(String database) {
    return "postgresql://" + TestPostgres.USER + ":" + TestPostgres.PASSWORD + "@127.0.0.1:" + instance().port()
        + "/" + database;
  }

  public static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + instance().port() + "/" + database,
        TestPostgres.USER, TestPostgres.PASSWORD);
  }
}
