/**
 * The model catalog: which models clients may ask for, their prices, and the servers
 * (deployments) each is served from, read from {@code TOLLGATE_MODELS_FILE} and re-read when it
 * changes. It says where a model may go; it does not call any server (that is {@code llm}).
 */
package dev.tollgate.catalog;
