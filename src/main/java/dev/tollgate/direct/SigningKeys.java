package dev.tollgate.direct;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tollgate's own signing keys, from a PKCS#12 keystore named by the environment. Rotation: add
 * a new RSA key to the keystore; Tollgate notices the file changed, signs with the newest entry
 * from then on and keeps publishing the older ones until they are removed, so tokens already
 * handed out stay verifiable until they expire.
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

    /** One RSA key of the keystore; its alias is the JWT key id. */
    public record Key(String id, RSAPublicKey publicKey, PrivateKey privateKey, Date created) {
    }

    @Inject
    @ConfigProperty(name = "tollgate.llm-token.keystore")
    Optional<String> keystore;

    @Inject
    @ConfigProperty(name = "tollgate.llm-token.keystore-password")
    Optional<String> password;

    private volatile List<Key> keys = List.of();
    private volatile FileTime loadedVersion;

    /** Every published key, newest first; empty when no keystore is configured. */
    public List<Key> all() {
        refreshIfChanged();
        return keys;
    }

    /** The key new tokens are signed with: the newest. */
    public Optional<Key> signing() {
        List<Key> current = all();
        return current.isEmpty() ? Optional.empty() : Optional.of(current.get(0));
    }

    private synchronized void refreshIfChanged() {
        if (keystore.isEmpty() || keystore.get().isBlank()) {
            return;
        }
        Path file = Path.of(keystore.get());
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(loadedVersion)) {
                return;
            }
            keys = load(file);
            loadedVersion = version;
        } catch (Exception e) {
            // A keystore being rewritten can be unreadable for a moment: keep the keys we have.
            LOG.log(Level.WARNING, "Cannot read the LLM token keystore " + file + "; keeping the keys loaded before", e);
        }
    }

    private List<Key> load(Path file) throws Exception {
        char[] secret = password.orElse("").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, secret);
        }
        List<Key> loaded = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias).getPublicKey() instanceof RSAPublicKey rsa) {
                loaded.add(new Key(alias, rsa, (PrivateKey) store.getKey(alias, secret), store.getCreationDate(alias)));
            }
        }
        loaded.sort((a, b) -> b.created().compareTo(a.created()));
        return List.copyOf(loaded);
    }
}
