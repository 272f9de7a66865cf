package dev.tollgate.auth;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The request's caller: the service user of its API key ({@link ApiKeyFilter} signs it in), or
 * else read out of the token the container has already verified.
 */
@RequestScoped
public class CurrentCaller {

    @Inject
    JsonWebToken token;

    @Inject
    TokenCallers callers;

    @Inject
    @ConfigProperty(name = "tollgate.jwt.company-claim")
    String companyClaim;

    /** Looked up once per request. */
    private Caller caller;

    void signIn(Caller withKey) {
        caller = withKey;
    }

    public Caller get() {
        if (caller == null) {
            String raw = token.getRawToken();
            caller = raw == null ? read() : callers.of(raw, this::read);
        }
        return caller;
    }

    private Caller read() {
        Object company = token.getClaim(companyClaim);
        if (company == null || company.toString().isBlank()) {
            throw new ProblemException(ProblemType.COMPANY_REQUIRED,
                    "The token carries no '" + companyClaim + "' claim; Tollgate bills and scopes every call by company.");
        }
        Set<String> groups = token.getGroups() == null ? Set.of() : Set.copyOf(token.getGroups());
        return new Caller(token.getSubject(), unquote(company.toString()), groups);
    }

    /** JSON-P string values print with their quotes. */
    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
