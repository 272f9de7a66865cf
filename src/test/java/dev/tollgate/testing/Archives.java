package dev.tollgate.testing;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.CreditsAdminResource;
import dev.tollgate.credits.CreditsResource;
import dev.tollgate.credits.LedgerResource;
import dev.tollgate.credits.LimitsResource;
import dev.tollgate.credits.UsageReconciliation;
import dev.tollgate.credits.UsageWebhookResource;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.Asset;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** What the in-container tests' archives carry besides their classes. */
public final class Archives {

    private Archives() {
    }

    /**
     * The ledger for an in-container test: the credits package without its HTTP edge and its
     * LLM-facing job, the error types it throws and the audit entries it announces, with the
     * server's persistence unit and the application's configuration. No clock: each test brings
     * the one it wants.
     */
    public static WebArchive ledger(String name) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addPackage(CreditLedger.class.getPackage())
                .deleteClasses(CreditsResource.class, CreditsAdminResource.class, LedgerResource.class,
                        LimitsResource.class, UsageWebhookResource.class, UsageReconciliation.class)
                .addClasses(Problem.class, Problem.FieldError.class, ProblemException.class, ProblemType.class, Refusal.class,
                        AuditEntry.class, AuditEntry.Who.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsResource(config(), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    /**
     * The application's configuration defaults (the code names none of its own), without the
     * /openapi document's settings, which name classes such an archive leaves out.
     */
    static Asset config() {
        try (InputStream in = Archives.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            String defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new StringAsset(defaults.lines().filter(line -> !line.startsWith("mp.openapi."))
                    .collect(Collectors.joining("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
