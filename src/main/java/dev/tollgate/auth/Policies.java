package dev.tollgate.auth;

import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import java.util.Collection;
import java.util.Set;

/**
 * Who may touch what, in one place. Resources ask these questions; none compares ids or roles
 * itself. Everything is scoped to the caller's company first: no role reaches across companies.
 */
public final class Policies {

    public static final String USER = "user";
    public static final String COMPANY_ADMIN = "company_admin";
    public static final String AUDITOR = "auditor";
    public static final String BILLING_ADMIN = "billing_admin";
    /** Runs the platform: sees the upstream servers' state, no company's data. */
    public static final String OPERATOR = "operator";

    /** Every role Tollgate knows (TollgateApplication declares them). */
    public static final Set<String> ROLES = Set.of(USER, COMPANY_ADMIN, AUDITOR, BILLING_ADMIN, OPERATOR);

    private Policies() {
    }

    /** A session is its user's alone; anyone else is told it does not exist. */
    public static boolean mayUseSession(Caller caller, String ownerId, String ownerCompanyId) {
        return caller.userId().equals(ownerId) && caller.companyId().equals(ownerCompanyId);
    }

    /** Company admins see their company's session metadata (never the conversations). */
    public static boolean mayListCompanySessions(Caller caller) {
        return caller.roles().contains(COMPANY_ADMIN);
    }

    /** A user sees their own ledger entries; company and billing admins the company's. */
    public static boolean mayReadCompanyLedger(Caller caller) {
        return caller.roles().contains(COMPANY_ADMIN) || caller.roles().contains(BILLING_ADMIN);
    }

    /** A key names the models it may use; a token, and a key that names none, may use every priced model. */
    public static boolean mayUseModel(Caller caller, String model) {
        return caller.models() == null || caller.models().contains(model);
    }

    /** What a caller hears when {@link #mayUseModel}, or the model's allowed roles, say no. */
    public static Refusal modelRefused(String model) {
        return Refusal.of(ProblemType.MODEL_NOT_ALLOWED, "You may not use the model '" + model + "'.");
    }

    /** An admin hands out only roles they hold themselves. */
    public static boolean mayGrant(Caller caller, Collection<String> roles) {
        return caller.roles().contains(COMPANY_ADMIN) && caller.roles().containsAll(roles);
    }

    /** Auditors read their own company's audit data and nobody else's. */
    public static boolean mayReadAudit(Caller caller, String companyId) {
        return caller.roles().contains(AUDITOR) && caller.companyId().equals(companyId);
    }
}
