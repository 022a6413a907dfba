package dev.argondb.cli.commands;

import picocli.CommandLine.Option;

/** {@code --tenant-id} of the commands that work on one tenant (a picocli mixin): the default tenant when omitted. */
final class TenantOption {
  @Option(names = "--tenant-id", description = "tenant; the default tenant when omitted")
  String tenantId;

  /** The tenant given, else the stack's default tenant (a one-line error when there is none). */
  String resolve(Context context) {
    return context.tenant(tenantId);
  }
}
