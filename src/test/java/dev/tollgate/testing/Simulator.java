package dev.tollgate.testing;

import dev.tollgate.simulator.DirectAccess;
import dev.tollgate.simulator.LlmSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one simulator of the test JVM, on the port the test server was configured with. Started on
 * first use and left running until the JVM exits, since every IT class talks to the same server.
 */
public final class Simulator {

    private static LlmSimulator instance;

    private Simulator() {
    }

    public static synchronized LlmSimulator get() {
        if (instance == null) {
            try {
                instance = new LlmSimulator(Integer.getInteger("tollgate.sim.port", 19090))
                        .withDirectAccess(new DirectAccess(TestEnv.baseUrl(), System.getProperty("tollgate.webhook.secret")))
                        .withOpenAiKey(System.getProperty("tollgate.sim.openai.key"))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the LLM simulator", e);
            }
        }
        return instance;
    }
}
