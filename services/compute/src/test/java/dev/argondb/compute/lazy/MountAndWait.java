package dev.argondb.compute.lazy;

/** Mounts a lazy file system, says where, and waits to be killed: an agent that dies without unmounting. */
public final class MountAndWait {
  static final String MOUNTED = "mounted at ";
  private MountAndWait() {}

  public static void main(String[] args) throws Exception {
    LazyMount mount = LazyMount.mount();
    System.out.println(MOUNTED + mount.mountPoint());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
