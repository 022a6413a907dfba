package dev.argondb.pgruntime;

import com.sun.security.auth.module.UnixSystem;
import java.util.ArrayList;
import java.util.List;

/**
 * Postgres refuses to run as root. When this process is root, initdb and postgres run inside a
 * user namespace as the unprivileged {@code nobody} (uid 65534): files our process owns appear
 * owned by that user inside the namespace, so data directories need no chown and may live under
 * directories only root can enter, and the process holds no capability outside the namespace.
 */
public final class PgUser {
  static final int NOBODY = 65534;
  private static final boolean ROOT = new UnixSystem().getUid() == 0;

  private PgUser() {}

  public static boolean isRoot() {
    return ROOT;
  }

  /** The command line that runs {@code command} as an unprivileged user. */
  public static List<String> unprivileged(List<String> command) {
    if (!ROOT) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "--user",
        "--map-user=" + NOBODY, "--map-group=" + NOBODY));
    wrapped.addAll(command);
    return wrapped;
  }
}
