package dev.tollgate.direct;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.Catalog;
import dev.tollgate.auth.Policies;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Pricing;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import dev.tollgate.session.SessionMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Issues the short-lived token of Option B. Before signing, the credits the budget may cost are
 * held, exactly as for a chat through Tollgate; the LLM service's usage webhook for the token's
 * request captures the actual cost, and a token never used is released when its hold expires.
 */
@ApplicationScoped
public class LlmTokens {

    /** The token, and where and until when it works. */
    public record Issued(String token, Instant expiresAt, String streamUrl, String requestId, int maxTokens) {
    }

    /** Tokens live five minutes at most, whatever the configuration says. */
    static final long MAX_TTL_SECONDS = 300;

    @Inject
    SigningKeys keys;

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    Pricing pricing;

    @Inject
    Catalog catalog;

    @Inject
    Clock clock;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    @ConfigProperty(name = "tollgate.llm-token.ttl-seconds")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "tollgate.llm-token.issuer")
    String issuer;

    @Inject
    @ConfigProperty(name = "tollgate.llm-token.audience")
    String audience;

    /** Where browsers reach the LLM service directly (it is private for everything else). */
    @Inject
    @ConfigProperty(name = "tollgate.llm.direct-url")
    String directUrl;

    @Inject
    @ConfigProperty(name = "tollgate.chat.default-max-tokens")
    int defaultMaxTokens;

    public Issued issue(Caller caller, UUID sessionId, Integer maxTokens, String requestedModel, String requestId) {
        SigningKeys.Key key = keys.signing().orElseThrow(() -> new ProblemException(ProblemType.DIRECT_ACCESS_NOT_CONFIGURED,
                "This server has no signing key for LLM tokens (TOLLGATE_LLM_TOKEN_KEYSTORE)."));
        sessions.owned(caller, sessionId);
        String model = pricing.model(requestedModel);
        if (!catalog.mayUse(caller, model)) {
            throw Policies.modelRefused(model).exception();
        }
        int budget = maxTokens != null ? maxTokens : defaultMaxTokens;
        Charge charge = new Charge(UUID.randomUUID(), caller.companyId(), caller.userId(), requestId, sessionId, model,
                pricing.reservation(model, List.of(""), budget));
        Refusal refused = ledger.reserve(charge).refusal(() -> ledger.balance(caller.companyId()), charge.credits());
        if (refused != null) {
            throw refused.exception();
        }
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(Math.min(ttlSeconds, MAX_TTL_SECONDS));
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(caller.userId())
                .claim("company_id", caller.companyId()).claim("sid", sessionId.toString()).jwtID(requestId)
                .claim("model", model).claim("max_tokens", budget)
                .issueTime(Date.from(now)).expirationTime(Date.from(expires))
                .build();
        String token = sign(key, claims);
        audit.fire(AuditEntry.of("llm_token.issue", AuditEntry.Who.of(caller.companyId(), caller.userId()), requestId,
                sessionId, "ok").withUsage(model, null, budget, charge.credits()));
        return new Issued(token, expires, directUrl + "/direct/sessions/" + sessionId + "/stream", requestId, budget);
    }

    private static String sign(SigningKeys.Key key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.id()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an LLM token", e);
        }
        return jwt.serialize();
    }
}
