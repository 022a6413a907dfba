package dev.argondb.pageserver.image;

/**
 * An image chain whose images stay on local disk until closed: the layer cache does not evict an image while a
 * reader (a basebackup being streamed, a roll forward) holds it.
 */
public final class PinnedChain implements AutoCloseable {
  private final ImageChain chain;
  private final Runnable release;
  private boolean closed;

  public PinnedChain(ImageChain chain, Runnable release) {
    this.chain = chain;
    this.release = release;
  }

  /** A chain nothing can evict (no layer cache): closing it does nothing. */
  public static PinnedChain unpinned(ImageChain chain) {
    return new PinnedChain(chain, () -> {});
  }

  public ImageChain chain() {
    return chain;
  }

  /** Lets the cache evict the chain's images again; once only. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      release.run();
    }
  }
}
