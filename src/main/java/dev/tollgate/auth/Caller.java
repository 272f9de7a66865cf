package dev.tollgate.auth;

import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller, as the rest of Tollgate sees it. A caller with an API key also
 * carries the key's id and the models the key allows ({@code models} null: every model).
 */
public record Caller(String userId, String companyId, Set<String> roles, Set<String> models, UUID keyId) {

    /** A caller with a token: every model its company can pay for, no key. */
    public Caller(String userId, String companyId, Set<String> roles) {
        this(userId, companyId, roles, null, null);
    }
}
