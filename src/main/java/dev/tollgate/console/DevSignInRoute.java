package dev.tollgate.console;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Adds {@code POST /dev/token} when, and only when, a dev signing key is configured. Without one
 * the path is unknown to the server, like any other that does not exist.
 */
@WebListener
public class DevSignInRoute implements ServletContextListener {

    static final String PATH = "/dev/token";

    @Inject
    DevSignIn dev;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (dev.enabled()) {
            dev.load();
            event.getServletContext().addServlet("devToken", new DevTokenServlet(dev)).addMapping(PATH);
        }
    }
}
