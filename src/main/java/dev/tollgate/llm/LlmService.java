package dev.tollgate.llm;

import dev.tollgate.llm.client.SessionWire;
import dev.tollgate.llm.client.SessionsClient;
import dev.tollgate.llm.client.StreamingChatClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The LLM service as the rest of Tollgate uses it. */
@ApplicationScoped
public class LlmService {

    @Inject
    @RestClient
    SessionsClient sessions;

    @Inject
    StreamingChatClient streams;

    public void createSession(UUID sessionId, String userId, String companyId, String requestId) {
        try {
            sessions.create(sessionId.toString(), new SessionWire.NewSession(userId, companyId), requestId);
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while creating a session", null);
        }
    }

    /** Completes with the started stream once its first event arrived; fails with an LlmException. */
    public CompletableFuture<TokenStream> openStream(ChatPrompt prompt) {
        return streams.open(prompt);
    }
}
