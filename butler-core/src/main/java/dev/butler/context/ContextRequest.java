package dev.butler.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.convert.DurationStyle;

import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartStrategy;

/**
 * A request read from the control bus: the fields of its {@code header} and its {@code content}.
 *
 * @param serviceName {@code context} for the whole transaction, {@code state} for its state, else
 * the request is for the service that {@code serviceId} names
 * @param serviceId the service's id in the context, for a request for one service
 * @param transaction the transaction
 * @param action what to do
 * @param content the content section, an empty object if the message has none
 */
record ContextRequest(String serviceName, @Nullable String serviceId, String transaction, ContextAction action,
		JsonNode content) {

	static final String CONTEXT = "context";

	static final String STATE = "state";

	private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

	/**
	 * Read a request from a message's JSON.
	 * @throws BadRequestException naming what is missing or wrong
	 */
	static ContextRequest of(JsonNode message) {
		if (!message.isObject()) {
			throw new BadRequestException("the message is not a JSON object");
		}
		JsonNode header = message.get("header");
		if (header == null || !header.isObject()) {
			throw new BadRequestException("the message has no 'header' object");
		}
		String serviceName = requiredText(header, "service_name");
		String transaction = requiredText(header, "transaction");
		String actionName = requiredText(header, "action");
		ContextAction action = ContextAction.named(actionName)
			.orElseThrow(() -> new BadRequestException("header.action '" + actionName + "' is not an action; known: "
					+ String.join(", ", ContextAction.wireNames())));
		try {
			ContextDefinition.checkTransaction(transaction);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException("header.transaction " + ex.getMessage());
		}
		String serviceId = optionalText(header, "service_id", "header.");
		if (serviceName.equals(STATE) && action != ContextAction.REQUEST) {
			throw new BadRequestException("header.action '" + actionName + "' is not what service_name 'state' takes: "
					+ "'request'");
		}
		if (!serviceName.equals(CONTEXT) && !serviceName.equals(STATE) && action != ContextAction.REQUEST
				&& serviceId == null) {
			throw new BadRequestException("header.service_id is missing: a request with service_name '" + serviceName
					+ "' is for one service of the context, which service_id names; service_name 'context' is for "
					+ "the whole context");
		}
		JsonNode content = message.get("content");
		if (content != null && !content.isObject() && !content.isNull()) {
			throw new BadRequestException("'content' is not a JSON object");
		}
		return new ContextRequest(serviceName, serviceId, transaction, action,
				(content != null && content.isObject()) ? content : EMPTY);
	}

	/**
	 * Return whether the request is for one service rather than the whole transaction.
	 */
	boolean forService() {
		return !this.serviceName.equals(CONTEXT) && !this.serviceName.equals(STATE) && this.serviceId != null;
	}

	/**
	 * Return the name of the defined context the content asks to start, if any.
	 */
	@Nullable String contextName() {
		return optionalText(this.content, CONTEXT, "content.");
	}

	/**
	 * Return the definition the content carries, if any.
	 * @throws BadRequestException naming the field of the definition that is wrong
	 */
	@Nullable ContextDefinition definition() {
		JsonNode definition = this.content.get("definition");
		if (definition == null || definition.isNull()) {
			return null;
		}
		try {
			return definitionOf(definition);
		}
		catch (ContextDefinitionException ex) {
			throw new BadRequestException("content.definition" + (ex.field().isEmpty() ? "" : "." + ex.field()) + " "
					+ ex.reason());
		}
	}

	private static ContextDefinition definitionOf(JsonNode definition) {
		if (!definition.isObject()) {
			throw new ContextDefinitionException("", "is not a JSON object");
		}
		String name = textOf(definition, "name");
		RestartStrategy strategy = RestartStrategy.ONE_FOR_ONE;
		JsonNode strategyNode = definition.get("strategy");
		if (strategyNode != null) {
			String value = strategyNode.asString();
			try {
				strategy = RestartStrategy.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
			}
			catch (IllegalArgumentException ex) {
				throw new ContextDefinitionException("strategy",
						"'" + value + "' is not a strategy; known: one-for-one, one-for-all, rest-for-one");
			}
		}
		RestartIntensity intensity = null;
		JsonNode maxRestarts = definition.get("max-restarts");
		JsonNode within = definition.get("restart-within");
		if (maxRestarts != null || within != null) {
			if (maxRestarts == null || !maxRestarts.canConvertToInt() || within == null) {
				throw new ContextDefinitionException("max-restarts",
						"and restart-within go together: a whole number and a duration such as 60s");
			}
			try {
				intensity = new RestartIntensity(maxRestarts.asInt(), DurationStyle.detectAndParse(within.asString()));
			}
			catch (IllegalArgumentException ex) {
				throw new ContextDefinitionException("restart-within", String.valueOf(ex.getMessage()));
			}
		}
		JsonNode services = definition.get("services");
		if (services == null || !services.isObject()) {
			throw new ContextDefinitionException("services",
					"is missing or not an object of services by their id, e.g. {\"reader\": {\"agent\": ...}}");
		}
		List<ContextDefinition.Service> list = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : services.properties()) {
			String id = entry.getKey();
			JsonNode service = entry.getValue();
			if (!service.isObject()) {
				throw new ContextDefinitionException("services." + id, "is not a JSON object");
			}
			Map<String, String> options = new LinkedHashMap<>();
			JsonNode optionsNode = service.get("options");
			if (optionsNode != null && !optionsNode.isNull()) {
				if (!optionsNode.isObject()) {
					throw new ContextDefinitionException("services." + id + ".options", "is not a JSON object");
				}
				flatten("", optionsNode, options, "services." + id + ".options");
			}
			list.add(new ContextDefinition.Service(id, definitionText(service, "agent", "services." + id + "."),
					definitionText(service, "bean", "services." + id + "."), options));
		}
		return new ContextDefinition(name, strategy, intensity, list);
	}

	/**
	 * Flatten JSON options into the names that properties have: {@code a.b}, {@code a[0]}.
	 */
	private static void flatten(String prefix, JsonNode node, Map<String, String> options, String field) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				flatten(prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey(), entry.getValue(), options,
						field);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				flatten(prefix + "[" + i + "]", node.get(i), options, field);
			}
		}
		else if (node.isNull()) {
			throw new ContextDefinitionException(field + "." + prefix, "is null; leave it out instead");
		}
		else {
			options.put(prefix, node.asString());
		}
	}

	private static String textOf(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull() || !value.isValueNode() || value.asString().isEmpty()) {
			throw new ContextDefinitionException(field, "is missing");
		}
		return value.asString();
	}

	private static @Nullable String definitionText(JsonNode node, String field, String path) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString() || value.asString().isEmpty()) {
			throw new ContextDefinitionException(path + field, "is not a non-empty string");
		}
		return value.asString();
	}

	private static String requiredText(JsonNode header, String field) {
		String value = optionalText(header, field, "header.");
		if (value == null) {
			throw new BadRequestException("header." + field + " is missing");
		}
		return value;
	}

	private static @Nullable String optionalText(JsonNode node, String field, String path) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new BadRequestException(path + field + " is not a string");
		}
		return value.asString().isEmpty() ? null : value.asString();
	}

	/**
	 * Thrown for a message that is not a valid request; its message says why, naming the field.
	 */
	static final class BadRequestException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BadRequestException(String message) {
			super(message);
		}

	}

}
