package dev.tollgate.catalog;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.Policies;
import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The models clients may ask for, their prices and deployments: from {@code TOLLGATE_MODELS_FILE}
 * when it is set, else today's priced models on the one seed service. A broken file stops the
 * application from starting; a file changed later is read again, and a broken change is refused
 * and logged while the last good catalog stays.
 */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class.getName());

    @Inject
    @ConfigProperty(name = "tollgate.models.file")
    Optional<String> file;

    @Inject
    @ConfigProperty(name = "tollgate.models.reload-ms")
    long reloadMs;

    @Inject
    @ConfigProperty(name = "tollgate.pricing.models")
    String pricing;

    @Inject
    @ConfigProperty(name = "tollgate.pricing.default-model")
    String defaultModel;

    @Inject
    @ConfigProperty(name = "tollgate.llm.url")
    String seedUrl;

    @Inject
    Periodic periodic;

    private volatile Models current;
    private volatile FileTime readStamp;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        current();
        if (source() != null) {
            periodic.every(reloadMs, "Re-reading the model catalog", this::reloadIfChanged);
        }
    }

    /** The catalog in force. */
    public Models current() {
        Models models = current;
        if (models == null) {
            synchronized (this) {
                if (current == null) {
                    current = source() == null ? Models.ofPricing(pricing, defaultModel, seedUrl) : read(source());
                }
                models = current;
            }
        }
        return models;
    }

    /**
     * Whether the caller may use the model: its key allows it ({@link Policies#mayUseModel}) and,
     * where the catalog opens the model to some roles only, the caller has one of them.
     */
    public boolean mayUse(Caller caller, String model) {
        Model entry = current().find(model);
        return Policies.mayUseModel(caller, model) && (entry == null || entry.allowedRoles() == null
                || entry.allowedRoles().stream().anyMatch(caller.roles()::contains));
    }

    private Path source() {
        return file.filter(name -> !name.isBlank()).map(Path::of).orElse(null);
    }

    /** The file's models; a file that cannot be read or is invalid is an error naming the file. */
    private Models read(Path path) {
        try {
            FileTime stamp = Files.getLastModifiedTime(path);
            Models models = servable(CatalogFile.parse(Files.readString(path, StandardCharsets.UTF_8), defaultModel));
            readStamp = stamp;
            return models;
        } catch (IOException e) {
            throw new CatalogFile.Invalid(path + " cannot be read: " + e);
        } catch (CatalogFile.Invalid e) {
            throw new CatalogFile.Invalid(path + ": " + e.getMessage());
        }
    }

    /**
     * What this version can route: seed deployments on the one seed service only (sessions are
     * created, read and deleted there), OpenAI-compatible ones anywhere. A catalog naming another
     * seed service is refused rather than half obeyed.
     */
    private Models servable(Models models) {
        for (Model model : models.byName().values()) {
            for (Deployment deployment : model.deployments()) {
                if (deployment.kind() == Deployment.Kind.SEED && !deployment.url().equals(stripped(seedUrl))) {
                    throw new CatalogFile.Invalid("model '" + model.name() + "': a seed deployment is served at "
                            + "TOLLGATE_LLM_URL (" + seedUrl + ") only, for now, not " + deployment.url());
                }
            }
        }
        return models;
    }

    private static String stripped(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    void reloadIfChanged() {
        Path path = source();
        try {
            if (Files.getLastModifiedTime(path).equals(readStamp)) {
                return;
            }
            Models models = read(path);
            current = models;
            LOG.info("Model catalog " + path + " read again: " + models.names());
        } catch (IOException | CatalogFile.Invalid e) {
            LOG.log(Level.SEVERE, "Model catalog change refused, the last good catalog stays: " + e.getMessage());
            try {
                readStamp = Files.getLastModifiedTime(path); // said once per change, not every tick
            } catch (IOException gone) {
                // the file is gone: said again on the next tick
            }
        }
    }
}
