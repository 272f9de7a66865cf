package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.TollgateApplication;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint says who may call it. A new resource method without roles fails the build, and
 * an endpoint open to anyone must be one of the few that authenticate otherwise.
 */
class EndpointRolesTest {

    /** Open to callers without a user token: they prove themselves another way. */
    private static final Set<String> OPEN_BY_DESIGN = Set.of(
            "UsageWebhookResource.usage"); // HMAC signature of the LLM service

    private static final Set<String> KNOWN_ROLES = Set.of(
            Policies.USER, Policies.COMPANY_ADMIN, Policies.AUDITOR, Policies.BILLING_ADMIN, Policies.OPERATOR);

    private static List<Class<?>> resourceClasses() throws Exception {
        var root = java.nio.file.Path.of(TollgateApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> resources = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (var file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, EndpointRolesTest.class.getClassLoader());
                if (type.isAnnotationPresent(Path.class) && !type.isInterface()) { // interfaces: REST clients
                    resources.add(type);
                }
            }
        }
        return resources;
    }

    private static boolean isEndpoint(Method method) {
        return method.isAnnotationPresent(Path.class) || Arrays.stream(method.getAnnotations())
                .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
    }

    @Test
    void everyEndpointDeclaresItsRoles() throws Exception {
        List<String> endpoints = new ArrayList<>();
        List<String> undeclared = new ArrayList<>();
        List<String> openUnexpectedly = new ArrayList<>();
        List<String> unknownRoles = new ArrayList<>();
        for (Class<?> resource : resourceClasses()) {
            for (Method method : resource.getDeclaredMethods()) {
                if (!isEndpoint(method)) {
                    continue;
                }
                String name = resource.getSimpleName() + "." + method.getName();
                endpoints.add(name);
                RolesAllowed roles = method.isAnnotationPresent(RolesAllowed.class)
                        ? method.getAnnotation(RolesAllowed.class) : resource.getAnnotation(RolesAllowed.class);
                boolean permitAll = method.isAnnotationPresent(PermitAll.class)
                        || (roles == null && resource.isAnnotationPresent(PermitAll.class));
                boolean denyAll = method.isAnnotationPresent(DenyAll.class) || resource.isAnnotationPresent(DenyAll.class);
                if (roles == null && !permitAll && !denyAll) {
                    undeclared.add(name);
                }
                if (permitAll && !OPEN_BY_DESIGN.contains(name)) {
                    openUnexpectedly.add(name);
                }
                if (roles != null) {
                    Arrays.stream(roles.value()).filter(r -> !KNOWN_ROLES.contains(r)).forEach(r -> unknownRoles.add(name + ": " + r));
                }
            }
        }
        assertThat(endpoints).as("endpoints found").hasSizeGreaterThan(15);
        assertThat(undeclared).as("endpoints without declared roles").isEmpty();
        assertThat(openUnexpectedly).as("endpoints open to anyone").isEmpty();
        assertThat(unknownRoles).as("roles nobody has").isEmpty();
    }
}
