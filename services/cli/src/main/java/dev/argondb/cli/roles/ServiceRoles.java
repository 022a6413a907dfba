package dev.argondb.cli.roles;

import java.util.List;
import java.util.Optional;

/** Every role {@code argon service} can run; the local stack deploys them all. */
public final class ServiceRoles {
  private ServiceRoles() {}

  public static final ControlPlaneRole CONTROL_PLANE = new ControlPlaneRole();
  public static final ComputeRole COMPUTE = new ComputeRole();
  public static final GatewayRole GATEWAY = new GatewayRole();
  public static final SafekeeperRole SAFEKEEPER = new SafekeeperRole();
  public static final PageserverRole PAGESERVER = new PageserverRole();

  /** Add a new role here (safekeeper, pageserver): its name becomes a command-line role and a config section. */
  public static final List<ServiceRole<?, ?>> ALL = List.of(CONTROL_PLANE, COMPUTE, GATEWAY, SAFEKEEPER, PAGESERVER);

  public static Optional<ServiceRole<?, ?>> named(String name) {
    return ALL.stream().filter(role -> role.name().equals(name)).findFirst();
  }

  public static List<String> names() {
    return ALL.stream().map(ServiceRole::name).toList();
  }
}
