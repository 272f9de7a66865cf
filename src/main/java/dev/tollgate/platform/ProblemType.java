package dev.tollgate.platform;

/**
 * Every kind of error Tollgate answers, with its status and title: the one vocabulary of
 * problem+json answers ({@code type} is {@link #uri()}), of the stream's {@code error} events
 * ({@code code} is {@link #code()}) and of audit outcomes. docs/streaming.md lists them all
 * (ProblemTypeTest keeps it so).
 */
public enum ProblemType {
    MALFORMED_BODY(400, "Malformed body"),
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_PARAMETER(400, "Invalid parameter"),
    INVALID_PERIOD(400, "Invalid period"),
    INVALID_CURSOR(400, "Invalid cursor"),
    INVALID_IDEMPOTENCY_KEY(400, "Invalid idempotency key"),
    IDEMPOTENCY_KEY_REQUIRED(400, "Idempotency key required"),
    UNAUTHORIZED(401, "Unauthorized"),
    INVALID_WEBHOOK_SIGNATURE(401, "Invalid webhook signature"),
    INSUFFICIENT_CREDITS(402, "Insufficient credits"),
    SPENDING_LIMIT_REACHED(402, "Spending limit reached"),
    FORBIDDEN(403, "Forbidden"),
    COMPANY_REQUIRED(403, "Company required"),
    ORIGIN_NOT_ALLOWED(403, "Origin not allowed"),
    MODEL_NOT_ALLOWED(403, "Model not allowed"),
    ROLE_NOT_GRANTABLE(403, "Role not grantable"),
    NOT_FOUND(404, "Not Found"),
    SESSION_NOT_FOUND(404, "Session not found"),
    NO_RECONCILIATION(404, "No reconciliation yet"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    NOT_ACCEPTABLE(406, "Not Acceptable"),
    IDEMPOTENCY_KEY_SPENT(409, "Idempotency key spent"),
    HISTORY_NOT_KEPT(409, "History not kept"),
    BATCH_ENDED(409, "Batch ended"),
    BATCH_PURGED(410, "Batch purged"),
    BODY_TOO_LARGE(413, "Body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type"),
    INVALID_FILTERS(422, "Invalid filters"),
    UNPRICED_MODEL(422, "Unpriced model"),
    INVALID_USAGE_EVENT(422, "Invalid usage event"),
    RATE_LIMITED(429, "Rate limit reached"),
    HEADERS_TOO_LARGE(431, "Headers too large"),
    LLM_RATE_LIMITED(429, "LLM service busy"),
    INTERNAL_ERROR(500, "Internal error"),
    LLM_SESSION_NOT_FOUND(502, "LLM service session lost"),
    LLM_UNAVAILABLE(503, "LLM service unavailable"),
    TOO_MANY_OPEN_STREAMS(503, "Too many open streams"),
    SERVER_SHUTDOWN(503, "Server shutting down"),
    DIRECT_ACCESS_NOT_CONFIGURED(503, "Direct access not configured"),
    WEBHOOKS_NOT_CONFIGURED(503, "Webhooks not configured"),
    API_KEYS_NOT_CONFIGURED(503, "API keys not configured"),
    HISTORY_KEYS_NOT_CONFIGURED(503, "History keys not configured"),
    LLM_TIMEOUT(504, "LLM service timeout"),
    /** A status the container answered on its own, with no more specific type. */
    REFUSED(0, "Request refused");

    private static final String BASE = "https://tollgate.dev/problems/";

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    /** The HTTP status; {@link #REFUSED} takes the one the container chose. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The stable code, e.g. {@code llm_timeout}: the stream's error events and audit outcomes. */
    public String code() {
        return name().toLowerCase();
    }

    /** The problem's {@code type}, e.g. {@code https://tollgate.dev/problems/llm-timeout}. */
    public String uri() {
        return BASE + code().replace('_', '-');
    }

    /** The type whose {@link #uri} this is; {@link #REFUSED} for none. */
    public static ProblemType ofUri(String uri) {
        for (ProblemType type : values()) {
            if (type.uri().equals(uri)) {
                return type;
            }
        }
        return REFUSED;
    }

    /** The type of an answer the container gave with only a status. */
    public static ProblemType ofStatus(int status) {
        return switch (status) {
            case 400 -> MALFORMED_BODY;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> BODY_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 431 -> HEADERS_TOO_LARGE;
            case 500 -> INTERNAL_ERROR;
            default -> REFUSED;
        };
    }
}
