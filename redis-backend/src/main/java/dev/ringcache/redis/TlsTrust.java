package dev.ringcache.redis;

import dev.ringcache.api.ConfigurationException;
import dev.ringcache.api.NodeUri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The TLS socket factory of a {@code rediss://} node: the JVM's default, or one that trusts exactly
 * the certificate authorities of a PEM file.
 *
 * <p>Immutable and thread-safe (stateless).
 */
final class TlsTrust {
  private TlsTrust() {}

  /** The factory for a node; {@code caFile} null means the JVM's default trust store. */
  static @Nullable SSLSocketFactory socketFactory(NodeUri uri, @Nullable String caFile) {
    if (caFile == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      Collection<? extends Certificate> authorities =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (authorities.isEmpty()) {
        throw new ConfigurationException("node URI '" + uri + "': " + RedisNodeProvider.TLS_CA
            + " file '" + caFile + "' holds no certificate");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate authority : authorities) {
        trusted.setCertificateEntry("ca-" + n++, authority);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException("node URI '" + uri + "': cannot read the certificate "
          + "authorities of " + RedisNodeProvider.TLS_CA + "='" + caFile + "': " + e.getMessage(), e);
    }
  }
}
