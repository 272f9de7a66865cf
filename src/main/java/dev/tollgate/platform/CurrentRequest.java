package dev.tollgate.platform;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/** The request id of the request being served, for code that has no JAX-RS context at hand. */
@RequestScoped
public class CurrentRequest {

    private final HttpServletRequest request;

    @Inject
    public CurrentRequest(HttpServletRequest request) {
        this.request = request;
    }

    protected CurrentRequest() {
        this.request = null;
    }

    public String id() {
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        if (id == null) {
            id = RequestIds.keepOrCreate(request.getHeader(RequestIds.HEADER));
            request.setAttribute(RequestIds.ATTRIBUTE, id);
        }
        return id.toString();
    }

    /** The address the request came from (Liberty's remoteIp settings decide whether proxies' headers count). */
    public String clientAddress() {
        return request.getRemoteAddr();
    }

    public String userAgent() {
        return request.getHeader("User-Agent");
    }

    /** "POST /api/v1/chat/stream": what was asked for, without the query string. */
    public String target() {
        return request.getMethod() + " " + request.getRequestURI();
    }
}
