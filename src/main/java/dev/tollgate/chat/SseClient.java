package dev.tollgate.chat;

import dev.tollgate.platform.RequestIds;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;

/** The client's end of a streaming chat: its SSE sink, and the headers set before the first event. */
record SseClient(SseEventSink sink, Sse sse, HttpServletResponse response) {

    void prepare(String requestId, UUID sessionId) {
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // tells nginx-style proxies not to buffer the stream
        response.setHeader(RequestIds.HEADER, requestId);
        response.setHeader("X-Session-Id", sessionId.toString());
    }
}
