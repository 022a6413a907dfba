package dev.argondb.bus;

/** Roles that ArgonDB itself owns inside every compute, whoever creates the data directory. */
public final class SystemRoles {
  private SystemRoles() {}

  /**
   * The bootstrap superuser of every timeline's first image (initdb {@code -U}); the compute agent manages
   * computes as this role over a private local socket. Its initdb password is random and thrown away.
   */
  public static final String AGENT_SUPERUSER = "argon_system";
}
