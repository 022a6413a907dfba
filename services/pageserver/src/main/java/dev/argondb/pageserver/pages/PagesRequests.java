package dev.argondb.pageserver.pages;

import dev.argondb.bus.grpc.LazyBasebackup;
import dev.argondb.bus.grpc.PagesRequest;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageManifest;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;

/** What a GetPages request may ask (checked before anything is looked up), and its bytes read from a chain. */
final class PagesRequests {
  private PagesRequests() {}

  /**
   * Refuses (a bad request) an LSN 0, a range not of whole pages ({@link LazyBasebackup#PAGE_BYTES}) or over
   * {@link LazyBasebackup#MAX_PAGES_BYTES}, a bad path.
   */
  static void check(PagesRequest request) {
    if (request.getLsn() == 0) {
      throw PageserverException.badRequest("lsn 0: GetPages reads at the basebackup's resolved LSN (TarChunk.lsn)");
    }
    long offset = request.getOffset();
    long length = Integer.toUnsignedLong(request.getLength());
    if (Long.remainderUnsigned(offset, LazyBasebackup.PAGE_BYTES) != 0) {
      throw PageserverException.badRequest("offset " + Long.toUnsignedString(offset) + " is not a multiple of "
          + LazyBasebackup.PAGE_BYTES);
    }
    if (length == 0 || length > LazyBasebackup.MAX_PAGES_BYTES || length % LazyBasebackup.PAGE_BYTES != 0) {
      throw PageserverException.badRequest("length " + length + " is not a multiple of " + LazyBasebackup.PAGE_BYTES
          + " from " + LazyBasebackup.PAGE_BYTES + " to " + LazyBasebackup.MAX_PAGES_BYTES);
    }
    checkPath(request.getPath());
  }

  /**
   * Refuses a path that is not a plain relative one ({@code base/5/16384.1}): empty, absolute, with an empty,
   * {@code .} or {@code ..} component. Files are only looked up in an image's manifest, never opened by this path,
   * but a clear refusal beats a puzzling "no such file".
   */
  static void checkPath(String path) {
    if (path.isEmpty() || path.startsWith("/")) {
      throw PageserverException.badRequest("path '" + path + "' is not a relative path in the data directory");
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
        throw PageserverException.badRequest("path '" + path + "' is not a plain relative path in the data directory"
            + " (no empty, '.' or '..' component)");
      }
    }
  }

  /**
   * The request's bytes of its file in {@code chain} (checked): {@code length} bytes, fewer where the file ends,
   * none at or past its end. Refused (not found) if the chain has no such file. Blocking.
   */
  static byte[] read(ImageChain chain, PagesRequest request) throws IOException {
    ImageManifest.Entry file = chain.file(request.getPath());
    if (file == null) {
      throw PageserverException.notFound("no file " + request.getPath() + " in image "
          + Lsn.format(chain.newest().lsn()) + " of timeline " + chain.owner() + ", the one timeline "
          + request.getTenantId() + "/" + request.getTimelineId() + " sees at " + Lsn.format(request.getLsn()));
    }
    long offset = request.getOffset();
    if (Long.compareUnsigned(offset, file.size()) >= 0) {
      return new byte[0];
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(Integer.toUnsignedLong(request.getLength()),
        file.size() - offset));
    try (ImageChain.Reader reader = chain.reader()) {
      reader.read(file.path(), offset, bytes);
    }
    return bytes.array();
  }
}
