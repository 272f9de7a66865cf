package dev.tollgate.auth;

import java.util.Set;

/** The authenticated caller, as the rest of Tollgate sees it. */
public record Caller(String userId, String companyId, Set<String> roles) {
}
