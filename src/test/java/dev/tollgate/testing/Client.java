package dev.tollgate.testing;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One caller of the API under test, as a frontend or an SDK would be: who it is, and the calls
 * tests make as it. Reads go through the API too, as its auditors and billing admins would make
 * them, so a black-box test sees what a user can see.
 */
public final class Client {

    private final String subject;
    private final String company;
    private final String token;

    private Client(String subject, String company, String token) {
        this.subject = subject;
        this.company = company;
        this.token = token;
    }

    /** A user of a company no other test uses, so each test builds its own data. */
    public static Client freshUser() {
        return as(TestEnv.newUser());
    }

    /** Whoever these claims say. */
    public static Client as(DevJwt who) {
        return new Client(who.subject(), who.company(), who.sign(TestEnv.keysDir()));
    }

    /**
     * A service of this caller's company calling with an API key that has these roles, made by a
     * company admin of the company through the API.
     */
    public Client withKey(String... roles) {
        return withKey(Map.of("roles", List.of(roles)));
    }

    /** A service calling with a key made from this creation body (service_user and roles default). */
    public Client withKey(Map<String, ?> asked) {
        Map<String, Object> body = new HashMap<>(asked);
        body.putIfAbsent("service_user", "svc-" + UUID.randomUUID().toString().substring(0, 8));
        body.putIfAbsent("roles", List.of("user"));
        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) body.get("roles");
        List<String> adminRoles = new ArrayList<>(roles);
        adminRoles.add("company_admin");
        HttpResponse<String> created = colleague(adminRoles.toArray(String[]::new)).post("/api/v1/admin/api-keys", body);
        if (created.statusCode() != 201) {
            throw new AssertionError("creating a key answered " + created.statusCode() + ": " + created.body());
        }
        JsonObject key = Api.parse(created.body());
        return new Client(key.getString("user_id"), company, key.getString("secret"));
    }

    /** Another caller of this caller's company, with these roles only. */
    public Client colleague(String... roles) {
        return as(TestEnv.newUser().company(company()).roles(List.of(roles)));
    }

    public String token() {
        return token;
    }

    public String subject() {
        return subject;
    }

    public String company() {
        return company;
    }

    public Api.Streamed stream(String query) {
        return Chats.stream(token, query);
    }

    public Api.Streamed stream(Map<String, ?> body) {
        return Api.chatStream(token, body);
    }

    public Api.Streamed stream(Map<String, ?> body, Map<String, String> headers) {
        return Api.chatStream(token, body, headers);
    }

    /** Starts a session with one short turn and returns its id. */
    public String startSession() {
        return Chats.startSession(token);
    }

    public HttpResponse<String> get(String path) {
        return Api.get(path, token);
    }

    public HttpResponse<String> post(String path, Map<String, ?> body) {
        return Api.postJson(path, token, body);
    }

    /** A GET that must answer 200, as JSON. */
    public JsonObject read(String path) {
        HttpResponse<String> answer = get(path);
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return Api.parse(answer.body());
    }

    /** The company's balance, as its users see it. */
    public long balance() {
        return read("/api/v1/credits").getJsonNumber("balance").longValue();
    }

    /** The company's ledger entries, oldest first, as its company admin sees them (a user sees only their own). */
    public List<JsonObject> ledger() {
        List<JsonObject> entries = new ArrayList<>(colleague("company_admin").read("/api/v1/credits/ledger?limit=500").getJsonArray("items")
                .getValuesAs(JsonObject.class));
        entries.sort((a, b) -> Long.compare(a.getJsonNumber("id").longValue(), b.getJsonNumber("id").longValue()));
        return entries;
    }

    /** The company's audit events with this query ({@code action=chat.stream}, say), as its auditor reads them. */
    public List<JsonObject> auditEvents(String query) {
        return colleague("auditor").read("/api/v1/audit/events?limit=500&" + query).getJsonArray("items")
                .getValuesAs(JsonObject.class);
    }

    /** The company's holds with this status ({@code OPEN}, {@code CAPTURED} …, or null for all), as a billing admin sees them. */
    public List<JsonObject> reservations(String status) {
        HttpResponse<String> answer = colleague("billing_admin").get("/api/v1/admin/credits/reservations?limit=500&company_id="
                + company() + (status == null ? "" : "&status=" + status));
        if (answer.statusCode() != 200) {
            throw new AssertionError("reservations answered " + answer.statusCode() + ": " + answer.body());
        }
        return Api.parseArray(answer.body()).getValuesAs(JsonObject.class);
    }
}
