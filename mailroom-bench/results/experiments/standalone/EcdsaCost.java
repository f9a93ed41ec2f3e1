import java.security.*;
import java.security.spec.ECGenParameterSpec;
public class EcdsaCost {
    public static void main(String[] a) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC"); g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        byte[] body = new byte[30_000];
        Signature s = Signature.getInstance("SHA256withECDSA"); s.initSign(k.getPrivate()); s.update(body); byte[] sig = s.sign();
        for (int round = 0; round < 4; round++) {
            int n = round == 0 ? 200 : 1000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) { Signature v = Signature.getInstance("SHA256withECDSA"); v.initVerify(k.getPublic()); v.update(body); if (!v.verify(sig)) throw new AssertionError(); }
            System.out.printf("verify: %.3f ms each (round %d)%n", (System.nanoTime() - t0) / 1e6 / n, round);
        }
    }
}
