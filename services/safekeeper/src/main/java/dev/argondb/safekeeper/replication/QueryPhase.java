package dev.argondb.safekeeper.replication;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** A simple query that returns rows (IDENTIFY_SYSTEM): collects them in text form until ReadyForQuery. */
final class QueryPhase implements Phase {
  /** Backend message {@code I}: the query string was empty. */
  private static final byte EMPTY_QUERY_RESPONSE = 'I';

  private final ReplicationConnection connection;
  private final Promise<List<List<String>>> result;
  private final List<List<String>> rows = new ArrayList<>();
  private PgException error;

  QueryPhase(ReplicationConnection connection, Promise<List<List<String>>> result) {
    this.connection = connection;
    this.result = result;
  }

  @Override
  public void onMessage(byte type, Buffer body) {
    switch (type) {
      case RowDescription.TYPE, CommandComplete.TYPE, EMPTY_QUERY_RESPONSE -> { }
      case DataRow.TYPE -> rows.add(DataRow.parse(body));
      // The server still sends ReadyForQuery after an error: the connection stays usable.
      case ErrorResponse.TYPE -> error = ErrorResponse.parse(body);
      case ReadyForQuery.TYPE -> {
        connection.becomeIdle();
        if (error != null) {
          result.tryFail(error);
        } else {
          result.tryComplete(rows);
        }
      }
      default -> throw new ReplicationException("unexpected message '" + (char) type + "' in a query result");
    }
  }

  @Override
  public void onEnd(Throwable cause) {
    result.tryFail(cause);
  }
}
