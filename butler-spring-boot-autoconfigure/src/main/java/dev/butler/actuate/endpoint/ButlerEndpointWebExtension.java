package dev.butler.actuate.endpoint;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.butler.actuate.endpoint.ButlerEndpoint.ButlerDescriptor;
import dev.butler.actuate.endpoint.ButlerEndpoint.ControlAction;
import dev.butler.actuate.endpoint.ButlerEndpoint.ControlResult;
import dev.butler.actuate.endpoint.ButlerEndpoint.GroupControlResult;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ButlerEndpoint}: shows
 * configuration values to the users {@code show-values} and {@code roles} allow, and answers every
 * request it cannot serve with a status and an {@link ErrorDescriptor} saying why: 404 for an
 * unknown component, 400 for a bad action or bad options, 409 when a control action failed.
 */
@EndpointWebExtension(endpoint = ButlerEndpoint.class)
public class ButlerEndpointWebExtension {

	private static final int STATUS_CONFLICT = 409;

	private static final String ACTIONS = Arrays.stream(ControlAction.values())
		.map((action) -> action.name().toLowerCase(Locale.ROOT))
		.collect(Collectors.joining(", "));

	private final ButlerEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create a new web extension that never shows configuration values.
	 * @param delegate the endpoint
	 */
	public ButlerEndpointWebExtension(ButlerEndpoint delegate) {
		this(delegate, Show.NEVER, Set.of());
	}

	/**
	 * Create a new web extension.
	 * @param delegate the endpoint
	 * @param showValues when to show configuration values
	 * @param roles the roles a user needs to see them with {@link Show#WHEN_AUTHORIZED}; none means
	 * any authenticated user
	 */
	public ButlerEndpointWebExtension(ButlerEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = roles;
	}

	/**
	 * Describe all components.
	 * @param securityContext the security context
	 * @param internal whether to show internal plumbing too
	 * @return the descriptor of every component, by id
	 */
	@ReadOperation
	public ButlerDescriptor components(SecurityContext securityContext, @Nullable Boolean internal) {
		return this.delegate.describeAll(Boolean.TRUE.equals(internal), isShown(securityContext));
	}

	/**
	 * Describe one component.
	 * @param securityContext the security context
	 * @param id the component id
	 * @param internal whether to show internal plumbing too
	 * @return its descriptor, or 404 for an unknown component
	 */
	@ReadOperation
	public WebEndpointResponse<Object> component(SecurityContext securityContext, @Selector String id,
			@Nullable Boolean internal) {
		Object descriptor = this.delegate.describe(id, Boolean.TRUE.equals(internal), isShown(securityContext));
		return (descriptor != null) ? new WebEndpointResponse<>(descriptor) : notFound(id);
	}

	/**
	 * Control a component.
	 * @param id the component id
	 * @param action what to do: {@code stop}, {@code start}, {@code restart} or {@code configure}
	 * @param options the options of a configure action: {@code name=value} pairs or a JSON object
	 * @return the result: 200 on success, 409 if the action failed, 400 for a bad action or bad
	 * options, 404 for an unknown component
	 */
	@WriteOperation
	public WebEndpointResponse<Object> control(@Selector String id, @Nullable String action,
			@Nullable String options) {
		ControlAction controlAction = parseAction(action);
		if (controlAction == null) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request",
					((action == null) ? "Missing 'action'" : "Unknown action '" + action + "'") + ", expected one of "
							+ ACTIONS);
		}
		ControlResult result;
		try {
			result = this.delegate.control(id, controlAction, options);
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request", ex.getReason());
		}
		if (result == null) {
			return notFound(id);
		}
		return new WebEndpointResponse<>(result, result.success() ? WebEndpointResponse.STATUS_OK : STATUS_CONFLICT);
	}

	/**
	 * Control a supervision group: {@code POST /actuator/butler/groups/<name>}.
	 * @param groups the path segment {@code groups}
	 * @param name the group's name
	 * @param action what to do: {@code stop}, {@code start} or {@code restart}
	 * @return the result: 200 on success, 409 if a service of the group failed, 400 for a bad
	 * action, 404 for an unknown group
	 */
	@WriteOperation
	public WebEndpointResponse<Object> controlGroup(@Selector String groups, @Selector String name,
			@Nullable String action) {
		ControlAction controlAction = parseAction(action);
		if (controlAction == null || controlAction == ControlAction.CONFIGURE) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request",
					((action == null) ? "Missing 'action'" : "Unknown action '" + action + "' for a group")
							+ ", expected one of stop, start, restart");
		}
		GroupControlResult result = this.delegate.controlGroup(groups, name, controlAction);
		if (result == null) {
			List<String> names = this.delegate.groupNames();
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found", ButlerEndpoint.GROUPS.equals(groups)
					? "No group '" + name + "'; "
							+ (names.isEmpty() ? "there are none" : "there are: " + String.join(", ", names))
					: "No path '" + groups + "/" + name + "'; groups are controlled at groups/<name>");
		}
		return new WebEndpointResponse<>(result, result.success() ? WebEndpointResponse.STATUS_OK : STATUS_CONFLICT);
	}

	private boolean isShown(SecurityContext securityContext) {
		return this.showValues.isShown(securityContext, this.roles);
	}

	private static @Nullable ControlAction parseAction(@Nullable String action) {
		if (action == null) {
			return null;
		}
		try {
			return ControlAction.valueOf(action.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private WebEndpointResponse<Object> notFound(String id) {
		return error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found",
				"No Butler service or component '" + id + "'; there are: " + String.join(", ", this.delegate.ids()));
	}

	private static WebEndpointResponse<Object> error(int status, String error, @Nullable String message) {
		return new WebEndpointResponse<>(new ErrorDescriptor(status, error, message), status);
	}

	/**
	 * Why a request was not served.
	 *
	 * @param status the HTTP status
	 * @param error the reason phrase of the status
	 * @param message what was wrong, {@code null} if not known
	 */
	public record ErrorDescriptor(int status, String error, @Nullable String message) {

	}

}
