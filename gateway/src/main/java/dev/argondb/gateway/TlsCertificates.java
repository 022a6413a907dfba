package dev.argondb.gateway;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates the local stack's self-signed gateway certificate: RSA 2048, valid ten years, with subject
 * alternative names for {@code *.<domain>} (SNI routing: {@code main.argon.local}), {@code localhost} and
 * {@code 127.0.0.1}, so {@code sslmode=verify-full sslrootcert=<cert>} works with any of them. It is its own
 * root: clients trust exactly this certificate. Blocking (key generation): call off the event loop.
 */
public final class TlsCertificates {
  private static final int RSA_BITS = 2048;
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private TlsCertificates() {}

  /** The DNS names the local stack's certificate covers for SNI domain {@code domain}. */
  public static List<String> localNames(String domain) {
    return List.of("*." + domain, domain, "localhost");
  }

  /** Writes {@code certFile} (PEM certificate) and {@code keyFile} (PEM PKCS#8 key, owner-only). */
  public static void generateSelfSigned(Path certFile, Path keyFile, List<String> dnsNames, List<String> ipAddresses)
      throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS, new SecureRandom());
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=" + dnsNames.get(0) + ",O=ArgonDB local stack");
      Instant now = Instant.now();
      List<GeneralName> names = new ArrayList<>();
      for (String dns : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
      for (String ip : ipAddresses) {
        names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
      }
      X509CertificateHolder certificate = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
          Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          // A CA certificate, so clients can use it as sslrootcert for itself.
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
      Files.createDirectories(certFile.toAbsolutePath().getParent());
      Files.writeString(certFile, pem(certificate), StandardCharsets.US_ASCII);
      Files.deleteIfExists(keyFile);
      Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null)),
          StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate a TLS certificate: " + e.getMessage(), e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
