package dev.tollgate.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(UsesSimulator.class)}: the LLM simulator and the identity provider (whose
 * JWKS the test server verifies tokens against) are listening before the first test.
 */
public class UsesSimulator implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        IdentityProvider.get();
        Simulator.get();
    }
}
