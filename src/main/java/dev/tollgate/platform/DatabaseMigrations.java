package dev.tollgate.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;

/**
 * Brings the schema up to date before anything uses the database, so a fresh database just works,
 * then has Hibernate check that the entities match it (a mismatch stops the application).
 * Flyway's lock table makes this safe when several servers start at once.
 */
@ApplicationScoped
public class DatabaseMigrations {

    private static final Logger LOG = Logger.getLogger(DatabaseMigrations.class.getName());

    @Resource(lookup = "jdbc/tollgate")
    DataSource dataSource;

    @PersistenceUnit(unitName = "tollgate")
    EntityManagerFactory emf;

    void migrate(@Observes @Initialized(ApplicationScoped.class) Object start) {
        var result = Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "Database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
        // Hibernate's own schema validation, run after the migrations rather than at unit creation.
        emf.unwrap(SessionFactory.class).getSchemaManager().validateMappedObjects();
    }
}
