package dev.tollgate.llm;

/** One message of a session's history, as the LLM service keeps it. */
public record Message(String role, String content, String createdAt) {
}
