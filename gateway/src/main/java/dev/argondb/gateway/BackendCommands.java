package dev.argondb.gateway;

import dev.argondb.gateway.protocol.ErrorResponse;
import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.gateway.protocol.ReadyForQuery;
import dev.argondb.gateway.protocol.TypedMessage;
import dev.argondb.gateway.protocol.TypedMessageDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a few simple-protocol commands of the gateway's own on an idle server connection, pipelined in one write,
 * and succeeds only when each answers with its expected CommandComplete tag and ReadyForQuery "idle", and nothing
 * else follows. Anything unexpected (an error, a result of a client's query still in flight, a closed socket, no
 * answer within the timeout) fails it: the caller then closes the connection instead of reusing it.
 * ParameterStatus, notices and notifications may come in between and are dropped (they belong to no client).
 */
final class BackendCommands {
  private static final byte COMMAND_COMPLETE = 'C';
  private static final byte PARAMETER_STATUS = 'S';
  private static final byte NOTICE = 'N';
  private static final byte NOTIFICATION = 'A';
  private static final byte QUERY = 'Q';
  private static final byte IDLE = 'I';
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;

  /** A command and the CommandComplete tag it answers with. */
  record Command(String sql, String tag) {}

  private final NetSocket backend;
  private final List<Command> commands;
  private final TypedMessageDecoder decoder = new TypedMessageDecoder(MAX_MESSAGE_BYTES);
  private final Promise<Void> done = Promise.promise();
  private int next;
  private boolean completed;

  private BackendCommands(NetSocket backend, List<Command> commands) {
    this.backend = backend;
    this.commands = commands;
  }

  /** Takes over the socket's handlers; on success they are the caller's to set again. */
  static Future<Void> run(Vertx vertx, NetSocket backend, List<Command> commands, long timeoutMillis) {
    BackendCommands run = new BackendCommands(backend, commands);
    Buffer queries = Buffer.buffer();
    for (Command command : commands) {
      byte[] sql = command.sql().getBytes(StandardCharsets.UTF_8);
      queries.appendByte(QUERY).appendInt(4 + sql.length + 1).appendBytes(sql).appendByte((byte) 0);
    }
    backend.handler(run::onBytes);
    backend.closeHandler(closed -> run.done.tryFail("the server connection closed"));
    backend.exceptionHandler(error -> run.done.tryFail(error));
    backend.resume();
    backend.write(queries);
    long timer = vertx.setTimer(timeoutMillis, id -> run.done.tryFail("no answer within " + timeoutMillis + " ms"));
    return run.done.future().onComplete(result -> {
      vertx.cancelTimer(timer);
      backend.handler(null);
      backend.closeHandler(null);
      backend.exceptionHandler(null);
    });
  }

  private void onBytes(Buffer chunk) {
    if (done.future().isComplete()) {
      return;
    }
    decoder.append(chunk);
    try {
      TypedMessage message;
      while ((message = decoder.next()) != null) {
        handle(message);
      }
    } catch (ProtocolViolation violation) {
      done.tryFail(violation);
      return;
    }
    if (next == commands.size() && !decoder.hasRemaining()) {
      done.tryComplete();
    }
  }

  private void handle(TypedMessage message) throws ProtocolViolation {
    byte type = message.type();
    if (type == PARAMETER_STATUS || type == NOTICE || type == NOTIFICATION) {
      return;
    }
    if (next == commands.size()) {
      throw new ProtocolViolation("unexpected message " + (char) type + " after the gateway's commands");
    }
    if (type == ErrorResponse.TYPE) {
      throw new ProtocolViolation("the compute refused \"" + commands.get(next).sql() + "\"");
    }
    if (!completed && type == COMMAND_COMPLETE && tag(message.body()).equals(commands.get(next).tag())) {
      completed = true;
    } else if (completed && type == ReadyForQuery.TYPE && message.body().length() == 1
        && message.body().getByte(0) == IDLE) {
      completed = false;
      next++;
    } else {
      throw new ProtocolViolation("unexpected message " + (char) type + " in answer to \""
          + commands.get(next).sql() + "\"");
    }
  }

  private static String tag(Buffer body) {
    int end = body.length() > 0 && body.getByte(body.length() - 1) == 0 ? body.length() - 1 : body.length();
    return body.getString(0, end, StandardCharsets.UTF_8.name());
  }
}
