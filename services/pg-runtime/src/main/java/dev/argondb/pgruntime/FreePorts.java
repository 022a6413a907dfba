package dev.argondb.pgruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks a free TCP port on loopback (the OS chooses; a later bind may still race, callers retry). Never the same
 * port twice in one JVM: the OS may hand a just-closed port out again, and two servers of one Vert.x instance
 * given the same port do not fail but share it, each getting some of the other's connections.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int pick() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = anyFree();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no loopback port that was not handed out already");
  }

  private static int anyFree() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
