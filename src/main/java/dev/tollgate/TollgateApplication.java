package dev.tollgate;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/** The public API of the gateway. Every caller is authenticated by a MicroProfile JWT. */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT", realmName = "tollgate")
@DeclareRoles({"user", "company_admin", "auditor", "billing_admin"})
public class TollgateApplication extends Application {
}
