package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The fake provider's signing key kept in a file, so that a Mailroom started once with its public
 * key ({@code --setup running}) accepts the webhooks of every later benchmark run.
 * File: two base64 lines, the private key (PKCS#8) and the public key (X.509).
 */
final class FakeKeys {
    private FakeKeys() {}

    static KeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            try {
                KeyFactory ec = KeyFactory.getInstance("EC");
                return new KeyPair(
                        ec.generatePublic(new X509EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(1).trim()))),
                        ec.generatePrivate(new PKCS8EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(0).trim()))));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("cannot read the fake provider's key from " + file + ": " + e.getMessage(), e);
            }
        }
        KeyPair keys = FakeSendGrid.generateKeys();
        Base64.Encoder b64 = Base64.getEncoder();
        Files.write(
                file,
                List.of(
                        b64.encodeToString(keys.getPrivate().getEncoded()),
                        b64.encodeToString(keys.getPublic().getEncoded())));
        return keys;
    }
}
