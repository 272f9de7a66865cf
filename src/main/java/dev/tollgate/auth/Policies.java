package dev.tollgate.auth;

/**
 * Who may touch what, in one place. Resources ask these questions; none compares ids or roles
 * itself. Everything is scoped to the caller's company first: no role reaches across companies.
 */
public final class Policies {

    public static final String USER = "user";
    public static final String COMPANY_ADMIN = "company_admin";
    public static final String AUDITOR = "auditor";
    public static final String BILLING_ADMIN = "billing_admin";

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

    /** Auditors read their own company's audit data and nobody else's. */
    public static boolean mayReadAudit(Caller caller, String companyId) {
        return caller.roles().contains(AUDITOR) && caller.companyId().equals(companyId);
    }
}
