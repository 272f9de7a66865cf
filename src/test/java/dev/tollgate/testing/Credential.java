package dev.tollgate.testing;

/** How a caller proves who it is: a user's JWT, or a service's API key. Tests that must hold for both take each. */
public enum Credential {
    TOKEN, API_KEY;

    /** A caller with the user role in a fresh company, holding this credential. */
    public Client freshCaller() {
        return this == TOKEN ? Client.freshUser() : Client.freshUser().withKey("user");
    }
}
