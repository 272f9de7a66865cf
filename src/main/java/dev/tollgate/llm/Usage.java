package dev.tollgate.llm;

/** Token counts as the LLM service reports them. */
public record Usage(int promptTokens, int completionTokens) {
}
