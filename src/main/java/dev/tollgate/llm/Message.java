package dev.tollgate.llm;

/** One message of a conversation: of a session's history as the LLM service keeps it, or as a client sent it ({@code createdAt} null). */
public record Message(String role, String content, String createdAt) {
}
