package dev.tollgate.batch;

import dev.tollgate.session.HistoryCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Each company's secret for signing the webhooks of its batches: made on first use, sealed at
 * rest like conversations, shown to its admins so their receiver can check signatures, replaced
 * when they rotate it.
 */
@ApplicationScoped
public class WebhookSecrets {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    HistoryCipher cipher;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();

    /** The company's secret, made now if it has none. */
    @Transactional
    public String of(String companyId) {
        Object[] row = (Object[]) em.createNativeQuery("select key_id, secret from webhook_secret where company_id = ?1")
                .setParameter(1, companyId).getResultStream().findFirst().orElse(null);
        if (row != null) {
            return cipher.open(context(companyId), (String) row[0], (byte[]) row[1]);
        }
        return write(companyId, false);
    }

    /** A new secret for the company: deliveries signed from now on use it. */
    @Transactional
    public String rotate(String companyId) {
        return write(companyId, true);
    }

    private String write(String companyId, boolean replace) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        HistoryCipher.Sealed sealed = cipher.seal(context(companyId), secret);
        em.createNativeQuery("insert into webhook_secret (company_id, key_id, secret, created_at) values (?1, ?2, ?3, ?4) "
                        + "on conflict (company_id) do " + (replace ? "update set key_id = excluded.key_id, "
                        + "secret = excluded.secret, created_at = excluded.created_at" : "nothing"))
                .setParameter(1, companyId).setParameter(2, sealed.keyId()).setParameter(3, sealed.bytes())
                .setParameter(4, clock.instant()).executeUpdate();
        return replace ? secret : of(companyId); // another server may have made it first
    }

    private static String context(String companyId) {
        return "webhook-secret:" + companyId;
    }
}
