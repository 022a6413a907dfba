package dev.argondb.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * pgjdbc's {@code sslfactory} for tests: trusts only the gateway's test certificate and sends the TLS server
 * name set in {@link #serverName}, as psql does with {@code host=main.argon.local hostaddr=127.0.0.1} (pgjdbc
 * has no hostaddr, and the test machine cannot resolve *.argon.local).
 */
public final class SniSslSocketFactory extends SSLSocketFactory {
  static volatile Path trustedCertificate;
  static volatile String serverName;

  private final SSLSocketFactory delegate;

  public SniSslSocketFactory() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(trustedCertificate)) {
      trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    delegate = context.getSocketFactory();
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
    SSLSocket ssl = (SSLSocket) delegate.createSocket(socket, host, port, autoClose);
    SSLParameters parameters = ssl.getSSLParameters();
    if (serverName != null) {
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
    }
    ssl.setSSLParameters(parameters);
    return ssl;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return delegate.createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return delegate.createSocket(address, port, localAddress, localPort);
  }
}
